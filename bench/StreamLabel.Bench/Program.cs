using StreamLabel.Bench.Throughput;

// Subcommands: `quality` (learning core on real streams, landing from the learning branch) and `throughput` (end to end).
return args.Length == 0 ? Usage() : args[0] switch
{
    "throughput" => await ThroughputCommand.RunAsync(args[1..]),
    "-h" or "--help" or "help" => Usage(0),
    _ => Usage(),
};

static int Usage(int code = 2)
{
    (code == 0 ? Console.Out : Console.Error).WriteLine(
        "usage: streamlabel-bench quality|throughput [options]  (see bench/README.md)\n" + ThroughputOptions.Help);
    return code;
}
