using StreamLabel.Learning.Model;
using StreamLabel.Learning.Step;
using static TorchSharp.torch;

namespace StreamLabel.Learning.Bank;

public sealed partial class ModelBank
{
    /// <summary>
    /// The bank's weights as a <see cref="LearningStep"/> sees them for one step: the stepped slots' rows of the
    /// flat weights, gathered into [P, all parameters] whose per-parameter views run with batched matrix products
    /// (forward and backward, <see cref="StackedMlp"/>), and written back only for the slots that learn.
    /// </summary>
    private sealed class StackedSlots(ModelBank bank, BankSlot[] slots) : IStepModel
    {
        private Tensor? _gathered;
        private Tensor[]? _parameters, _layerInputs;

        public Tensor Forward(ReadOnlySpan<float> inputs, int slotCount, int rows, int width, bool learn)
        {
            int P = slotCount;
            var slotRows = bank._longs.Get(SlotRows, P);
            for (int p = 0; p < P; p++) slotRows[p] = slots[p].Index;
            var index = HostTensors.Of(slotRows, bank.DeviceType);
            // No autograd: Update backpropagates by hand from the layer inputs kept here.
            using var _ = no_grad();
            _gathered = bank._params.Rows.index_select(0, index);
            _parameters = bank._params.ViewsOf(_gathered);
            _layerInputs = learn ? new Tensor[_parameters.Length / 2] : null;
            return StackedMlp.Forward(HostTensors.Of(inputs, [P, rows, width], bank.DeviceType), _parameters, _layerInputs).reshape(P * rows, bank.ClassCount);
        }

        public long Version(int p) => slots[p].Version;

        // Adam/SGD on the learning slots only: gather their rows (weights, gradients, moments), update all their
        // parameters at once, scatter back, so slots that did not learn keep their weights and moments (Adam with a
        // zero gradient would still move them).
        public void Update(Tensor logits, Tensor gradient, int[] learners, double[] rateScales)
        {
            using var _ = no_grad();
            var gathered = StackedMlp.Backward(gradient.view(slots.Length, -1, bank.ClassCount), _parameters!, _layerInputs!);
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
            var weights = all ? _gathered! : _gathered!.index_select(0, positions!);
            var grad = all ? gathered : gathered.index_select(0, positions!);
            var m = bank._m?.Rows.index_select(0, rows);
            var v = bank._v?.Rows.index_select(0, rows);
            OptimizerUpdate.Apply(template.Optimizer, template.WeightDecay, weights, grad, m, v, rateT.view(n, 1), sqrtBc2T.view(n, 1));
            bank._params.Rows.index_copy_(0, rows, weights);
            if (m is not null) { bank._m!.Rows.index_copy_(0, rows, m); bank._v!.Rows.index_copy_(0, rows, v!); }
            foreach (int p in learners) slots[p].Steps++;
        }
    }
}
