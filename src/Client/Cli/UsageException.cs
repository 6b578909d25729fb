namespace StreamLabel.Client.Cli;

/// <summary>A command line the client cannot run as written (exit code 2); the message names the bad part.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>A request the cluster refused or could not answer (exit code 1), e.g. an unknown model key.</summary>
public sealed class CommandFailedException(string message, Exception? inner = null) : Exception(message, inner);
