using System.Runtime.InteropServices;

namespace StreamLabel.Streaming.Kafka.Embedded;

/// <summary>
/// Runs a native call that starts a thread with every signal blocked on the calling thread, so the new thread inherits
/// that mask (as librdkafka does for its own client threads). The mock cluster's thread leaves its loop for good when a
/// signal interrupts its poll (EINTR), and .NET handles SIGCONT, SIGUSR1/2 and others on whichever thread the kernel
/// picks: a broker paused and resumed, or told to go down and up, could otherwise die.
/// </summary>
internal static partial class SignalMask
{
    private const int SigBlock = 0, SigSetMask = 2; // Linux <signal.h>
    private const int SigSetBytes = 128; // glibc's sigset_t

    public static T WithAllSignalsBlocked<T>(Func<T> startThread)
    {
        if (!OperatingSystem.IsLinux()) return startThread();
        var all = new byte[SigSetBytes];
        var previous = new byte[SigSetBytes];
        if (sigfillset(all) != 0 || pthread_sigmask(SigBlock, all, previous) != 0)
            throw new InvalidOperationException("pthread_sigmask failed: cannot start the mock cluster's thread with signals blocked");
        try { return startThread(); }
        finally { pthread_sigmask(SigSetMask, previous, null); }
    }

    [LibraryImport("libc.so.6")] private static partial int sigfillset(byte[] set);
    [LibraryImport("libc.so.6")] private static partial int pthread_sigmask(int how, byte[] set, byte[]? oldset);
}
