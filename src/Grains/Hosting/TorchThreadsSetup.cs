using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamLabel.Grains.Student;

namespace StreamLabel.Grains.Hosting;

/// <summary>
/// Applies Student:TorchThreads (libtorch's intra-op thread pool, process-wide) when the silo starts. Students are tiny
/// models stepped concurrently on Orleans' scheduler threads: a libtorch pool per op only adds hand-offs and spinning
/// threads that fight those schedulers for the cores (measured: a 256-row step went from ~1 ms to ~10 ms on 2 busy cores).
/// </summary>
internal sealed partial class TorchThreadsSetup(IOptions<StudentOptions> options, ILogger<TorchThreadsSetup> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(TorchThreadsSetup), ServiceLifecycleStage.First, _ =>
        {
            int threads = options.Value.TorchThreads;
            if (threads > 0) TorchSharp.torch.set_num_threads(threads);
            LogThreads(TorchSharp.torch.get_num_threads());
            return Task.CompletedTask;
        });

    [LoggerMessage(Level = LogLevel.Information, Message = "TorchSharp intra-op threads: {Threads} (Student:TorchThreads)")]
    private partial void LogThreads(int threads);
}
