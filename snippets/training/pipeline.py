"""Pipeline-parallel schedules simulated: GPipe and 1F1B, their bubble and their memory.

The layers are cut into p stages on p GPUs and the batch into m micro-batches. A stage
can run the forward of micro-batch j only after the previous stage has, and its backward
only after the next stage has. GPipe runs all m forwards, then all m backwards; 1F1B
(PipeDream-Flush) runs p - s - 1 warm-up forwards on stage s, then alternates one forward
and one backward. Both finish after (m + p - 1) (t_f + t_b): each stage idles for (p - 1)
slots, the bubble, a fraction (p - 1) / (m + p - 1) of the step. 1F1B's gain is memory: a
stage holds at most p micro-batches' activations instead of m.

Follows: Huang et al. (2019) for GPipe; Narayanan et al. (2021), Sec. 2.2, for 1F1B, its
bubble (p - 1) / m of the ideal time, and the interleaved schedule that divides it by v.
Simplifications: equal stages, t_b = 2 t_f, no communication time between stages; the
interleaved schedule only through its formula.
"""


def schedule(p, m, kind="1f1b"):
    """Per-stage order of operations: a list of p lists of ("F" or "B", micro-batch).

    >>> schedule(2, 2, "1f1b")
    [[('F', 0), ('F', 1), ('B', 0), ('B', 1)], [('F', 0), ('B', 0), ('F', 1), ('B', 1)]]
    """
    orders = []
    for s in range(p):
        if kind == "gpipe":
            orders.append([("F", j) for j in range(m)] + [("B", j) for j in range(m)])
            continue
        warm = min(p - s - 1, m)  # forwards in flight before the first backward
        order = [("F", j) for j in range(warm)]
        for j in range(m - warm):
            order += [("F", warm + j), ("B", j)]  # steady state: one forward, one backward
        order += [("B", j) for j in range(m - warm, m)]  # cool-down
        orders.append(order)
    return orders


def simulate(p, m, kind="1f1b", t_f=1.0, t_b=2.0):
    """Run a schedule; return its makespan, each op's (stage, op, j, start, end), and the
    most micro-batches whose activations any stage holds at once.

    >>> makespan, ops, peak = simulate(4, 8)
    >>> makespan, peak  # (m + p - 1)(t_f + t_b) = 33, at most p in flight
    (33.0, 4)
    """
    orders = schedule(p, m, kind)
    done = {}  # (stage, op, j) -> end time
    free = [0.0] * p
    pos = [0] * p
    ops = []
    while len(done) < 2 * p * m:
        progressed = False
        for s in range(p):
            if pos[s] == len(orders[s]):
                continue
            op, j = orders[s][pos[s]]
            # A forward needs the previous stage's forward; a backward the next stage's.
            dep = (s - 1, "F", j) if op == "F" else (s + 1, "B", j)
            if op == "B" and s == p - 1:
                dep = (s, "F", j)
            if op == "F" and s == 0:
                dep = None
            if dep is not None and dep not in done:
                continue
            start = max(free[s], done[dep] if dep else 0.0)
            end = start + (t_f if op == "F" else t_b)
            done[(s, op, j)] = free[s] = end
            ops.append((s, op, j, start, end))
            pos[s] += 1
            progressed = True
        assert progressed, "schedule deadlocked"
    # Activations of micro-batch j live on stage s from its forward to its backward.
    peak = 0
    for s in range(p):
        live, best = 0, 0
        for op, _ in orders[s]:
            live += 1 if op == "F" else -1
            best = max(best, live)
        peak = max(peak, best)
    return max(free), ops, peak


def bubble_fraction(p, m, v=1):
    """Idle share of a pipeline step: (p - 1) / (m + p - 1), or with v interleaved chunks
    per GPU (p - 1) / (v m + p - 1), i.e. Narayanan et al.'s (p - 1) / (v m) of ideal time.

    >>> bubble_fraction(16, 16)  # Llama 3 405B's p = 16 with m = 16 micro-batches
    0.4838709677419355
    """
    idle = (p - 1) / v  # bubble in units of one micro-batch's full-model time / p
    return idle / (m + idle)
