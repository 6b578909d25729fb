using StreamLabel.Bench.Quality;

// Subcommands: `quality` (learning core on real streams); `throughput` is to be added beside it.
return args.Length == 0 ? Usage() : args[0] switch
{
    "quality" => QualityCommand.Run(args[1..]),
    "-h" or "--help" or "help" => Usage(0),
    _ => Usage(),
};

static int Usage(int code = 2)
{
    (code == 0 ? Console.Out : Console.Error).WriteLine(
        "usage: streamlabel-bench quality|throughput [options]  (see bench/README.md)\n" + QualityOptions.Help);
    return code;
}
