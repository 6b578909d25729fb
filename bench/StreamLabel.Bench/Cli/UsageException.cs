namespace StreamLabel.Bench.Cli;

/// <summary>A bad command line: reported with the command's help, exit code 2 (not a failed run).</summary>
internal sealed class UsageException(string message) : Exception(message);
