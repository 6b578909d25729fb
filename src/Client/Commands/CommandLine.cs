namespace StreamLabel.Client.Commands;

/// <summary>Dispatches `streamlabel COMMAND ...`; each command validates its own options.</summary>
internal static class CommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine("usage: streamlabel replay FILE.csv[.gz] --label-column C [options]   (more commands: see README)");
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            return args[0] switch
            {
                "replay" => await ReplayCommand.RunAsync(args[1..]),
                _ => throw new ArgumentException($"unknown command '{args[0]}'"),
            };
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"streamlabel: {e.Message}");
            return 2;
        }
    }
}
