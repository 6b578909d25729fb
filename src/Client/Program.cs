using StreamLabel.Client.Commands;

// Ctrl-C / SIGTERM end long-running commands (dashboard, replay) cleanly. Not disposed: ProcessExit may fire after Main returns.
var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
return await CommandLine.RunAsync(args, Console.Out, Console.Error, stop.Token);
