#!/usr/bin/python3
"""One Dreamer training step in PyTorch on the CPU: the peer of packages/agent/bench/step.ts.

The same model and step as @dreamer/behavior's `dreamer(...).trainStep` in the TF1 layout
(google-research/dreamer; /work/shared/spec/reference.md §1.1):

- conv encoder 4 x (k4 s2 VALID, ReLU) 32-64-128-256 -> 1024; images x/256 + U(0, 1/256) - 0.5
- RSSM: dense(stoch+A -> hidden, ELU) -> GRUBlockCell (reset before, gate bias 1) -> dense(hidden, ELU)
  -> mean, std = softplus(.) + 0.1; posterior dense([deter, embed] -> hidden, ELU) -> mean, std
- decoder dense(230 -> 1024) -> 1x1x1024 -> convT k5,k5,k6,k6 s2 (ReLU; last linear), unit Normal
- reward head (reward_layers x units ELU), pcont head (pcont_layers, Bernoulli, stop-gradient
  features, its own Adam lr 1e-3 clip 1000 as the seed's "default" optimiser)
- KL with free nats per step (mean_t max(0, KL_t - 3))
- imagination H=15 from all B*T posteriors, tanh-Normal actor (mean 5 tanh(m/5), std
  softplus(x + log(e^5 - 1)) + 1e-4, reparameterised sample, actor input stop-gradient)
- lambda-returns (lambda 0.95, gamma 0.99), bootstrap v(s_{H-1}) as the seed, weights cumprod(gamma)
- actor loss -mean(w R) (dynamics backprop, only the actor's parameters get gradients),
  value loss mean(-w log N(sg(R) | v(sg(feat)), 1))
- Adam eps 1e-4, global-norm clip 100: model (lr 6e-4), actor (8e-5), value (8e-5); all three
  gradients at the pre-update parameters.

Usage:
  /usr/bin/python3 tools/torch/dreamer_step.py [--config debug|default] [--steps N] [--warmup N]
      [--threads 2] [--conv-chunk N] [--actions 6]        -> one JSON object on stdout
  ... --serve                                             -> builds and warms up, prints
      {"ready": ...}, then runs one timed step per line read on stdin ("step") and prints a
      JSON line for each (for a caller that interleaves its own runs); exits on EOF.

A tool, not a dependency: nothing in the workspace imports it. Timing: time.perf_counter around
the whole step (forward, backward, clipping, Adam) and around its parts (see PARTS).
"""
import argparse
import json
import math
import os
import sys
import time

# OpenBLAS (torch.mm, addmm) has its own pool that ignores torch.set_num_threads.
_threads_arg = "2"
for i, a in enumerate(sys.argv):
    if a == "--threads" and i + 1 < len(sys.argv):
        _threads_arg = sys.argv[i + 1]
    elif a.startswith("--threads="):
        _threads_arg = a.split("=", 1)[1]
os.environ.setdefault("OPENBLAS_NUM_THREADS", _threads_arg)
os.environ.setdefault("OMP_NUM_THREADS", _threads_arg)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

CONFIGS = {
    # The seed's [dreamer, debug]: model_size 10, state_size 5, num_layers 1, num_units 10,
    # batch 5 x 10; head depths derived as the seed (reward n-1 (min 1), value n, action n+1, pcont n).
    "debug": dict(batch=5, length=10, deter=10, stoch=5, hidden=10, units=10, reward_layers=1, value_layers=1, actor_layers=2, pcont_layers=1),
    # The seed's defaults: batch 50 x 50, deter 200, stoch 30, 400-unit heads.
    "default": dict(batch=50, length=50, deter=200, stoch=30, hidden=200, units=400, reward_layers=2, value_layers=3, actor_layers=4, pcont_layers=3),
}
COMMON = dict(depth=32, horizon=15, free_nats=3.0, min_std=0.1, lam=0.95, gamma=0.99, pcont_scale=0.99,
              model_lr=6e-4, actor_lr=8e-5, value_lr=8e-5, head_lr=1e-3, clip=100.0, head_clip=1000.0, eps=1e-4,
              init_std=5.0, mean_scale=5.0, action_min_std=1e-4)
PARTS = ["model_forward", "model_backward", "actor_forward", "actor_backward", "value", "optimizers"]


def mlp(inp, layers, units, out):
    mods, d = [], inp
    for _ in range(layers):
        mods += [nn.Linear(d, units), nn.ELU()]
        d = units
    mods.append(nn.Linear(d, out))
    return nn.Sequential(*mods)


def chunked(fn, x, chunk):
    """fn over the batch axis in chunks (oneDNN convs are ~2x faster on 50-250 images than on 2500)."""
    if chunk <= 0 or x.shape[0] <= chunk:
        return fn(x)
    return torch.cat([fn(part) for part in torch.split(x, chunk, 0)], 0)


class Encoder(nn.Module):
    def __init__(self, depth):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(3, depth, 4, 2), nn.Conv2d(depth, 2 * depth, 4, 2),
                                    nn.Conv2d(2 * depth, 4 * depth, 4, 2), nn.Conv2d(4 * depth, 8 * depth, 4, 2)])

    def forward(self, x, chunk):  # x [N, 3, 64, 64]
        def run(h):
            for conv in self.convs:
                h = F.relu(conv(h))
            return h.reshape(h.shape[0], -1)  # 2 x 2 x 256 = 1024
        return chunked(run, x, chunk)


def conv_transpose(x, deconv, how):
    """ConvTranspose2d (stride 2, VALID). 'native': F.conv_transpose2d, which Debian's CPU build runs
    in aten::slow_conv_transpose2d (5-8x slower here than the rest). 'conv' (default): the same
    result from fast kernels: a matmul for a 1x1 input, else zero insertion + F.conv2d (oneDNN)
    with the flipped, transposed kernel and full padding."""
    w, b = deconv.weight, deconv.bias  # [Cin, Cout, k, k], [Cout]
    if how == "native":
        return F.conv_transpose2d(x, w, b, stride=2)
    n, cin, hgt, wid = x.shape
    _, cout, k, _ = w.shape
    if hgt == 1 and wid == 1:
        return (x.reshape(n, cin) @ w.reshape(cin, cout * k * k)).reshape(n, cout, k, k) + b[:, None, None]
    spread = x.new_zeros(n, cin, 2 * hgt - 1, 2 * wid - 1)
    spread[:, :, ::2, ::2] = x
    return F.conv2d(spread, w.flip(2, 3).transpose(0, 1), b, padding=k - 1)


class Decoder(nn.Module):
    def __init__(self, feat, depth, deconv="conv"):
        super().__init__()
        self.how = deconv
        self.dense = nn.Linear(feat, 32 * depth)
        self.deconvs = nn.ModuleList([nn.ConvTranspose2d(32 * depth, 4 * depth, 5, 2), nn.ConvTranspose2d(4 * depth, 2 * depth, 5, 2),
                                      nn.ConvTranspose2d(2 * depth, depth, 6, 2), nn.ConvTranspose2d(depth, 3, 6, 2)])

    def forward(self, feat, chunk):  # feat [N, F] -> mean [N, 3, 64, 64]
        h = self.dense(feat).reshape(feat.shape[0], -1, 1, 1)

        def run(h):
            for i, deconv in enumerate(self.deconvs):
                h = conv_transpose(h, deconv, self.how)
                if i < 3:
                    h = F.relu(h)
            return h
        return chunked(run, h, chunk)


class GRUBlockCell(nn.Module):
    """TF1 GRUBlockCell: [r,u] = sigma(W[x,h] + b) (b init 1), c = tanh(W[x, r*h] + b), h' = u*h + (1-u)*c."""

    def __init__(self, inp, units):
        super().__init__()
        self.ru = nn.Linear(inp + units, 2 * units)
        self.c = nn.Linear(inp + units, units)
        nn.init.constant_(self.ru.bias, 1.0)
        nn.init.zeros_(self.c.bias)

    def forward(self, x, h):
        r, u = torch.sigmoid(self.ru(torch.cat([x, h], -1))).chunk(2, -1)
        c = torch.tanh(self.c(torch.cat([x, r * h], -1)))
        return u * h + (1 - u) * c


class RSSM(nn.Module):
    def __init__(self, c, actions, embed):
        super().__init__()
        self.c = c
        self.prior_in = nn.Linear(c["stoch"] + actions, c["hidden"])
        self.cell = GRUBlockCell(c["hidden"], c["deter"])
        self.prior_hidden = nn.Linear(c["deter"], c["hidden"])
        self.prior_mean = nn.Linear(c["hidden"], c["stoch"])
        self.prior_std = nn.Linear(c["hidden"], c["stoch"])
        self.post_hidden = nn.Linear(c["deter"] + embed, c["hidden"])
        self.post_mean = nn.Linear(c["hidden"], c["stoch"])
        self.post_std = nn.Linear(c["hidden"], c["stoch"])

    def gaussian(self, mean_layer, std_layer, h):
        mean = mean_layer(h)
        std = F.softplus(std_layer(h)) + self.c["min_std"]
        return mean, std, mean + std * torch.randn_like(mean)

    def img_step(self, stoch, deter, action):
        h = F.elu(self.prior_in(torch.cat([stoch, action], -1)))
        deter = self.cell(h, deter)
        mean, std, stoch = self.gaussian(self.prior_mean, self.prior_std, F.elu(self.prior_hidden(deter)))
        return mean, std, stoch, deter

    def observe(self, embed, action):  # [B, T, E], [B, T, A] -> post and prior stacked [B, T, .]
        b, t = action.shape[:2]
        stoch = embed.new_zeros(b, self.c["stoch"])
        deter = embed.new_zeros(b, self.c["deter"])
        posts, priors = [], []
        for i in range(t):
            p_mean, p_std, _, deter = self.img_step(stoch, deter, action[:, i])
            h = F.elu(self.post_hidden(torch.cat([deter, embed[:, i]], -1)))
            mean, std, stoch = self.gaussian(self.post_mean, self.post_std, h)
            posts.append((mean, std, stoch, deter))
            priors.append((p_mean, p_std))
        post = [torch.stack(x, 1) for x in zip(*posts)]
        prior = [torch.stack(x, 1) for x in zip(*priors)]
        return post, prior


class Actor(nn.Module):
    def __init__(self, feat, layers, units, actions, c):
        super().__init__()
        self.trunk = mlp(feat, layers, units, units)[:-1] if layers > 0 else nn.Identity()
        width = units if layers > 0 else feat
        self.mean = nn.Linear(width, actions)
        self.std = nn.Linear(width, actions)
        self.c = c
        self.shift = math.log(math.expm1(c["init_std"]))

    def sample(self, feat):
        h = self.trunk(feat)
        s = self.c["mean_scale"]
        mean = s * torch.tanh(self.mean(h) / s)
        std = F.softplus(self.std(h) + self.shift) + self.c["action_min_std"]
        return torch.tanh(mean + std * torch.randn_like(mean))


def normal_kl(m1, s1, m2, s2):
    return (torch.log(s2 / s1) + (s1 ** 2 + (m1 - m2) ** 2) / (2 * s2 ** 2) - 0.5).sum(-1)


def normal_entropy(s):
    return (0.5 * math.log(2 * math.pi * math.e) + torch.log(s)).sum(-1)


def lambda_return(reward, value, pcont, bootstrap, lam):
    nxt = torch.cat([value[1:], bootstrap[None]], 0)
    inputs = reward + pcont * nxt * (1 - lam)
    out, agg = [], bootstrap
    for t in reversed(range(reward.shape[0])):
        agg = inputs[t] + pcont[t] * lam * agg
        out.append(agg)
    return torch.stack(out[::-1], 0)


def clip_and_step(opt, params, grads, clip):
    for p, g in zip(params, grads):
        p.grad = g
    norm = torch.nn.utils.clip_grad_norm_(params, clip)
    opt.step()
    return norm


class Dreamer:
    def __init__(self, c, actions, conv_chunk, deconv="conv"):
        self.c = c
        self.actions = actions
        self.chunk = conv_chunk
        feat = c["stoch"] + c["deter"]
        self.encoder = Encoder(c["depth"])
        self.rssm = RSSM(c, actions, 32 * c["depth"])
        self.decoder = Decoder(feat, c["depth"], deconv)
        self.reward = mlp(feat, c["reward_layers"], c["units"], 1)
        self.pcont = mlp(feat, c["pcont_layers"], c["units"], 1)
        self.actor = Actor(feat, c["actor_layers"], c["units"], actions, c)
        self.value = mlp(feat, c["value_layers"], c["units"], 1)
        self.model_params = [*self.encoder.parameters(), *self.rssm.parameters(), *self.decoder.parameters(), *self.reward.parameters()]
        self.pcont_params = list(self.pcont.parameters())
        self.actor_params = list(self.actor.parameters())
        self.value_params = list(self.value.parameters())
        adam = lambda ps, lr: torch.optim.Adam(ps, lr=lr, eps=c["eps"])  # noqa: E731
        self.opts = [(adam(self.model_params, c["model_lr"]), self.model_params, c["clip"]),
                     (adam(self.pcont_params, c["head_lr"]), self.pcont_params, c["head_clip"]),
                     (adam(self.actor_params, c["actor_lr"]), self.actor_params, c["clip"]),
                     (adam(self.value_params, c["value_lr"]), self.value_params, c["clip"])]

    def random_batch(self, gen):
        c = self.c
        b, t = c["batch"], c["length"]
        return dict(image=torch.randint(0, 256, (b, t, 3, 64, 64), generator=gen).float(),
                    action=torch.rand(b, t, self.actions, generator=gen) * 2 - 1,
                    reward=torch.rand(b, t, generator=gen),
                    discount=torch.ones(b, t))

    def step(self, batch):
        c = self.c
        times = {}
        clock = [time.perf_counter()]

        def mark(name):
            now = time.perf_counter()
            times[name] = times.get(name, 0.0) + (now - clock[0]) * 1000
            clock[0] = now

        b, t = c["batch"], c["length"]
        # ---- world model ----
        image = batch["image"] / 256 + torch.rand_like(batch["image"]) / 256 - 0.5
        flat = image.reshape(b * t, 3, 64, 64)
        embed = self.encoder(flat, self.chunk).reshape(b, t, -1)
        (mean, std, stoch, deter), (p_mean, p_std) = self.rssm.observe(embed, batch["action"])
        feat = torch.cat([stoch, deter], -1)
        kl = normal_kl(mean, std, p_mean, p_std)
        divergence = torch.clamp(kl - c["free_nats"], min=0).mean()
        recon = self.decoder(feat.reshape(b * t, -1), self.chunk)
        image_lp = -(0.5 * (flat - recon) ** 2 + 0.5 * math.log(2 * math.pi)).sum((1, 2, 3)).mean()
        reward_lp = -(0.5 * (batch["reward"] - self.reward(feat).squeeze(-1)) ** 2 + 0.5 * math.log(2 * math.pi)).mean()
        logits = self.pcont(feat.detach()).squeeze(-1)
        pcont_lp = -F.binary_cross_entropy_with_logits(logits, batch["discount"] * c["pcont_scale"])
        model_loss = divergence - image_lp - reward_lp
        with torch.no_grad():
            metrics = [normal_entropy(p_std).mean(), p_std.mean(), normal_entropy(std).mean(), std.mean(), kl.mean()]
        mark("model_forward")
        model_grads = torch.autograd.grad(model_loss, self.model_params)
        pcont_grads = torch.autograd.grad(-pcont_lp, self.pcont_params)
        mark("model_backward")
        # ---- imagination and the actor ----
        h = c["horizon"]
        s, d = stoch.detach().reshape(b * t, -1), deter.detach().reshape(b * t, -1)
        feats = []
        for _ in range(h):
            action = self.actor.sample(torch.cat([s, d], -1).detach())
            _, _, s, d = self.rssm.img_step(s, d, action)
            feats.append(torch.cat([s, d], -1))
        imag = torch.stack(feats, 0)  # [H, N, F]
        reward = self.reward(imag).squeeze(-1)
        value = self.value(imag).squeeze(-1)
        pcont = torch.full_like(reward, c["gamma"])
        bootstrap = value[h - 2]  # the seed: v(s_{H-1}) of s_1..s_H
        returns = lambda_return(reward[:h - 1], value[:h - 1], pcont[:h - 1], bootstrap, c["lam"])
        weights = torch.cumprod(torch.cat([torch.ones_like(pcont[:1]), pcont[:h - 2]], 0), 0).detach()
        actor_loss = -(returns * weights).mean()
        mark("actor_forward")
        actor_grads = torch.autograd.grad(actor_loss, self.actor_params)
        mark("actor_backward")
        # ---- value ----
        target = returns.detach()
        v = self.value(imag[:h - 1].detach()).squeeze(-1)
        value_loss = ((0.5 * (target - v) ** 2 + 0.5 * math.log(2 * math.pi)) * weights).mean()
        value_grads = torch.autograd.grad(value_loss, self.value_params)
        mark("value")
        # ---- the optimisers (all gradients were taken at the pre-update parameters) ----
        norms = [clip_and_step(opt, ps, gs, clip) for (opt, ps, clip), gs in zip(self.opts, [model_grads, pcont_grads, actor_grads, value_grads])]
        mark("optimizers")
        losses = dict(model=float(model_loss), actor=float(actor_loss), value=float(value_loss), grad_norm_model=float(norms[0]))
        del metrics
        return times, losses


def blas_library():
    """The BLAS that torch.mm calls: Debian's python3-torch links libblas.so.3, which the system's
    alternatives point at OpenBLAS (libopenblas0-pthread) or at the ~100x slower netlib reference."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line}
    except OSError:
        return "unknown"
    if any("openblas" in lib for lib in libs):
        return "openblas"
    if any("blis" in lib for lib in libs):
        return "blis"
    if any("mkl" in lib for lib in libs):
        return "mkl"
    return "reference (netlib libblas3: install libopenblas0-pthread)" if libs else "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", choices=sorted(CONFIGS), default="debug")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--conv-chunk", type=int, default=250, help="images per conv call (0: the whole batch at once)")
    ap.add_argument("--deconv", choices=["conv", "native"], default="conv", help="transposed convs: see conv_transpose()")
    ap.add_argument("--actions", type=int, default=6)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--serve", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    c = {**COMMON, **CONFIGS[args.config]}
    model = Dreamer(c, args.actions, args.conv_chunk, args.deconv)
    batch = model.random_batch(torch.Generator().manual_seed(args.seed + 1))
    info = dict(config=args.config, torch=torch.__version__, blas=blas_library(), threads=torch.get_num_threads(),
                openblas_threads=os.environ.get("OPENBLAS_NUM_THREADS"), conv_chunk=args.conv_chunk, deconv=args.deconv, actions=args.actions,
                batch=[c["batch"], c["length"]], deter=c["deter"], stoch=c["stoch"], units=c["units"], horizon=c["horizon"])
    t0 = time.perf_counter()
    for _ in range(args.warmup):
        model.step(batch)
    info["warmup_ms"] = (time.perf_counter() - t0) * 1000

    def timed():
        t = time.perf_counter()
        parts, losses = model.step(batch)
        return dict(ms=(time.perf_counter() - t) * 1000, parts_ms=parts, losses=losses)

    if args.serve:
        # Give freed heap back to the system between requests: the caller runs its own (memory-hungry)
        # steps in between. glibc keeps freed arenas otherwise.
        try:
            import ctypes
            trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            trim = lambda _: 0  # noqa: E731
        trim(0)
        print(json.dumps({"ready": True, **info}), flush=True)
        for line in sys.stdin:
            if line.strip() == "step":
                out = timed()
                trim(0)
                print(json.dumps(out), flush=True)
            elif line.strip() in ("quit", "exit"):
                break
        return
    samples = [timed() for _ in range(args.steps)]
    ms = sorted(s["ms"] for s in samples)
    median = (ms[(len(ms) - 1) // 2] + ms[len(ms) // 2]) / 2
    print(json.dumps({**info, "samples_ms": [s["ms"] for s in samples], "median_ms": median,
                      "parts_ms": {p: sorted(s["parts_ms"][p] for s in samples)[len(samples) // 2] for p in PARTS},
                      "losses": samples[-1]["losses"]}))


if __name__ == "__main__":
    main()
