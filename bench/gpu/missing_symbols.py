"""Which libtorch symbols that libLibTorchSharp.so (built for libtorch 2.10) needs are absent from this machine's
PyTorch libraries: the ABI risk of running TorchSharp on another libtorch. Prints a count and the names."""
import ctypes, os, sys
import torch

lib = os.path.join(os.path.dirname(torch.__file__), "lib")
handles = [ctypes.CDLL(os.path.join(lib, n), mode=ctypes.RTLD_GLOBAL)
           for n in ("libc10.so", "libtorch_cpu.so", "libtorch.so", "libc10_cuda.so", "libtorch_cuda.so")
           if os.path.exists(os.path.join(lib, n))]
handles.append(ctypes.CDLL(None))
names = [l.strip() for l in open(sys.argv[1]) if l.strip()]
missing = [n for n in names if not any(hasattr(h, n) for h in handles)]
print(f"libtorch {torch.__version__}: {len(names)} undefined symbols of libLibTorchSharp.so, {len(missing)} missing")
for n in missing: print(n)
