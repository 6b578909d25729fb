using Orleans.Placement;

namespace StreamLabel.Grains.Placement;

/// <summary>Keeps a grain off accelerator silos while another silo is active (see <see cref="CpuSiloPlacementDirector"/>).</summary>
public sealed class CpuSiloPlacementStrategy() : PlacementFilterStrategy(order: 0);

/// <summary>
/// Marks a grain class as belonging on the CPU tier: students. The GPU tier's cores are for teachers, and a student
/// placed there competes with its own teacher.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class CpuSiloPlacementAttribute() : PlacementFilterAttribute(new CpuSiloPlacementStrategy());
