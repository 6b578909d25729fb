"""PyTorch reference for `streamlabel-bench throughput`: the same model, events and micro-batches as the bare
TorchSharp run (MLP F-H-2, Adam, label smoothing, self-correction, distillation rows), one model per key.
Run with Debian's /usr/bin/python3 (python3-torch). Prints one JSON line: events per second."""
import json, math, struct, sys, time
import numpy as np
import torch
import torch.nn.functional as F

path, threads = sys.argv[1], int(sys.argv[2])
if threads > 0:
    torch.set_num_threads(threads)
with open(path, "rb") as fh:
    n, f, keys, batch, hidden, distill_rows, seed = struct.unpack("<7i", fh.read(28))
    features = np.frombuffer(fh.read(n * f * 4), dtype="<f4").reshape(n, f)
    labels = np.frombuffer(fh.read(n * 4), dtype="<i4")
    key_of = np.frombuffer(fh.read(n * 4), dtype="<i4")
K, smoothing, lr, min_w, tau, exp_base, temp, alpha = 2, 0.05, 0.005, 0.2, 3000.0, 16.0, 2.0, 0.3  # the silo's default spec

class Student:
    def __init__(self, s):
        g = torch.Generator().manual_seed(s)
        self.net = torch.nn.Sequential(torch.nn.Linear(f, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, K))
        self.opt = torch.optim.Adam(self.net.parameters(), lr=lr)
        self.n, self.sum, self.sq, self.learned, self.ref = 0, np.zeros(f), np.zeros(f), 0, float("nan")

    def step(self, x, y, dx, dt):
        # running standardizer, as the learning core does (Welford-style sums on the host)
        self.n += len(x); self.sum += x.sum(0); self.sq += (x.astype(np.float64) ** 2).sum(0)
        mean = self.sum / self.n; std = np.sqrt(np.maximum(self.sq / self.n - mean ** 2, 1e-12))
        xs = torch.from_numpy(((np.concatenate([x, dx]) - mean) / std).astype(np.float32))
        logits = self.net(xs)
        s = logits[: len(x)]
        logp = F.log_softmax(s.detach(), 1)
        probs = logp.exp().numpy()
        predicted = probs.argmax(1)
        g = 1 / (1 + math.exp(-exp_base * ((1 - math.exp(-self.learned / tau)) - 0.5)))
        yt = torch.from_numpy(y.astype(np.int64))
        targets = F.one_hot(yt, K).float() * (1 - smoothing) + smoothing / K
        trust = (1 + (logp.exp() * logp).sum(1) / math.log(K)) * g
        targets = targets * (1 - trust.unsqueeze(1)) + logp.exp() * trust.unsqueeze(1)
        ce = -(targets * F.log_softmax(s, 1)).sum(1)
        mean_ce = ce.detach().mean().item()
        if math.isnan(self.ref): self.ref = mean_ce
        w = 1 - g * (1 - ((ce.detach() - self.ref).clamp_min(0) / -1.0).exp().clamp(min_w, 1))
        hard = (ce * w).mean()
        sr = logits[len(x):]
        log_t = dt.clamp_min(1e-30).log()
        kd = (dt * (log_t - F.log_softmax(sr / temp, 1))).sum() * (temp * temp / len(dx))
        loss = hard * (1 - alpha) + kd * alpha
        stats = torch.stack([loss.detach(), torch.tensor(mean_ce), targets.argmax(1).ne(yt).sum().float(), (w < (1 + min_w) / 2).sum().float()]).tolist()
        self.opt.zero_grad(); loss.backward(); self.opt.step()
        self.learned += len(x); self.ref += 0.02 * (stats[1] - self.ref)
        return predicted

students = [Student(seed + k) for k in range(keys)]
dx = features[:distill_rows]
dt = torch.full((distill_rows, K), 0.1)
dt[torch.arange(distill_rows), torch.from_numpy(labels[:distill_rows].astype(np.int64))] = 0.9
by_key = [np.nonzero(key_of == k)[0] for k in range(keys)]
start = time.perf_counter()
for k in range(keys):
    rows = by_key[k]
    for b in range(0, len(rows), batch):
        idx = rows[b:b + batch]
        students[k].step(features[idx], labels[idx], dx, dt)
elapsed = time.perf_counter() - start
print(json.dumps({"eventsPerSecond": n / elapsed, "torch": torch.__version__, "threads": torch.get_num_threads()}))
