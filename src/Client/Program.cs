using System.Runtime.InteropServices;
using StreamLabel.Client.Commands;

// Ctrl-C / SIGTERM end long-running commands (dashboard, replay) cleanly. Not disposed: ProcessExit may fire after Main returns.
var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
// The dashboard's ASP.NET Core host also takes SIGTERM (and cancels the default exit, so ProcessExit never comes):
// cancel the command on SIGTERM here too, or `streamlabel dashboard` runs on until it is killed.
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
return await CommandLine.RunAsync(args, Console.Out, Console.Error, stop.Token);
