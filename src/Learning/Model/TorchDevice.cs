using TorchSharp;

namespace StreamLabel.Learning.Model;

/// <summary>Resolves "auto" | "cuda" | "cpu" to a device; CUDA only when TorchSharp reports it available.</summary>
public static class TorchDevice
{
    public static torch.Device Resolve(string requested, out string used)
    {
        bool cuda = requested is "auto" or "cuda" && torch.cuda.is_available();
        used = cuda ? "cuda" : "cpu";
        return cuda ? torch.CUDA : torch.CPU;
    }
}
