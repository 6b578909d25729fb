using StreamLabel.Learning.Model;
using StreamLabel.Learning.Step;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Bank;

public sealed partial class ModelBank
{
    /// <summary>
    /// The bank's weights as a <see cref="LearningStep"/> sees them for one step: the stepped slots' rows of the
    /// stacked tensors, gathered into leaves of their own, run with batched matrix products, reduced per slot by
    /// segment sums, and written back only for the slots that learn.
    /// </summary>
    private sealed class StackedSlots(ModelBank bank, BankSlot[] slots) : IStepModel
    {
        private Tensor[] _gathered = [];

        public Tensor Forward(ReadOnlySpan<float> inputs, int slotCount, int rows, int width, bool learn)
        {
            int P = slotCount;
            var slotRows = bank._longs.Get(SlotRows, P);
            for (int p = 0; p < P; p++) slotRows[p] = slots[p].Index;
            var index = HostTensors.Of(slotRows, bank.DeviceType);
            _gathered = new Tensor[bank._params.Length];
            using (no_grad())
                for (int i = 0; i < _gathered.Length; i++) _gathered[i] = bank._params[i].index_select(0, index);
            if (learn) foreach (var t in _gathered) t.requires_grad_(true);
            return ModelBank.Forward(HostTensors.Of(inputs, [P, rows, width], bank.DeviceType), _gathered).reshape(P * rows, bank.ClassCount);
        }

        public Tensor Mean(Tensor zero, Tensor slotOfRow, Tensor rows, Tensor rowsPerSlot) =>
            LearningStep.Sum(zero, slotOfRow, rows).div(rowsPerSlot.dtype == zero.dtype ? rowsPerSlot : rowsPerSlot.to(zero.dtype));

        public long Version(int p) => slots[p].Version;

        // Adam/SGD on the learning slots only: gather their rows (weights, gradients, moments), update, scatter back,
        // so slots that did not learn keep their weights and moments (Adam with a zero gradient would still move them).
        public void Update(Tensor total, int[] learners, double[] rateScales)
        {
            total.sum().backward();
            using var _ = no_grad();
            var dev = bank.DeviceType;
            var template = bank.Template;
            int n = learners.Length;
            var rate = new float[n];
            var sqrtBc2 = new float[n];
            for (int j = 0; j < n; j++)
            {
                var (r, b) = OptimizerUpdate.Rates(template.Optimizer, slots[learners[j]].Spec.LearningRate, slots[learners[j]].Steps + 1, rateScales[j]);
                (rate[j], sqrtBc2[j]) = ((float)r, (float)b);
            }
            var rateT = HostTensors.Of(rate, dev);
            var sqrtBc2T = HostTensors.Of(sqrtBc2, dev);
            var rowsOf = bank._longs.Get(UpdateRows, n);
            for (int j = 0; j < n; j++) rowsOf[j] = slots[learners[j]].Index;
            var rows = HostTensors.Of(rowsOf, dev);
            bool all = n == slots.Length;
            Tensor? positions = null;
            if (!all)
            {
                var at = bank._longs.Get(Positions, n);
                for (int j = 0; j < n; j++) at[j] = learners[j];
                positions = HostTensors.Of(at, dev);
            }
            for (int i = 0; i < bank._params.Length; i++)
            {
                var shape = new long[bank._shapes[i].Length + 1];
                Array.Fill(shape, 1L);
                shape[0] = n;
                var leaf = _gathered[i];
                var p = all ? leaf.detach() : leaf.detach().index_select(0, positions!);
                var grad = all ? leaf.grad! : leaf.grad!.index_select(0, positions!);
                var m = bank._adam ? bank._m[i].index_select(0, rows) : null;
                var v = bank._adam ? bank._v[i].index_select(0, rows) : null;
                OptimizerUpdate.Apply(template.Optimizer, template.WeightDecay, p, grad, m, v, rateT.view(shape), sqrtBc2T.view(shape));
                bank._params[i].index_copy_(0, rows, p);
                if (bank._adam) { bank._m[i].index_copy_(0, rows, m!); bank._v[i].index_copy_(0, rows, v!); }
            }
            foreach (int p in learners) slots[p].Steps++;
        }
    }
}
