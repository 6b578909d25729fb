using StreamLabel.Client.Commands;

return await CommandLine.RunAsync(args);
