using Orleans.Placement;

namespace StreamLabel.Grains.Placement;

/// <summary>Keeps a grain on silos whose metadata says accelerator=gpu (see <see cref="AcceleratorPlacementDirector"/>).</summary>
public sealed class AcceleratorPlacementStrategy() : PlacementFilterStrategy(order: 0);

/// <summary>Marks a grain class as belonging on GPU silos; the fallback when none is up is <see cref="TeacherPlacementOptions"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class GpuSiloPlacementAttribute() : PlacementFilterAttribute(new AcceleratorPlacementStrategy());
