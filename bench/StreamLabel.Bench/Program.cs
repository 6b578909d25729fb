using StreamLabel.Bench;

return await BenchCommandLine.RunAsync(args, Console.Out, Console.Error);
