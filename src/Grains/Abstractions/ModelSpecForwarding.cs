using System.Runtime.CompilerServices;

// Stored student and teacher states name the spec "StreamLabel.Grains.ModelSpec, StreamLabel.Grains.Abstractions"
// (JSON grain storage writes full type names); the type now lives in StreamLabel.Specs, and this keeps that name valid.
[assembly: TypeForwardedTo(typeof(StreamLabel.Grains.ModelSpec))]
