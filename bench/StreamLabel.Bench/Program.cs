Console.Error.WriteLine("usage: streamlabel-bench quality|throughput [options]  (see bench/README.md)");
return 2;
