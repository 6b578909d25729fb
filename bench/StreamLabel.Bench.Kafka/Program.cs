using StreamLabel.Bench.Kafka;

return await KafkaBenchCommandLine.RunAsync(args, Console.Out, Console.Error);
