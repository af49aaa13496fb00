"""Cycle finding for the strategy map and the alignment graph."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

N = TypeVar("N")


def cycles(
    nodes: Iterable[N], edges: Callable[[N], list[N]], key: Callable[[N], int]
) -> list[list[N]]:
    """One list per cycle, each rotated to start at its smallest ``key``.

    Iterative depth-first search (no recursion limit on big repos); each
    back edge closes one cycle, and a cycle is reported once.
    """
    found: dict[tuple[int, ...], list[N]] = {}
    state: dict[int, int] = {}  # key -> 1 on the stack, 2 done
    for root in nodes:
        if state.get(key(root)):
            continue
        stack: list[tuple[N, list[N]]] = [(root, list(edges(root)))]
        path = [root]
        state[key(root)] = 1
        while stack:
            node, pending = stack[-1]
            if not pending:
                stack.pop()
                path.pop()
                state[key(node)] = 2
                continue
            nxt = pending.pop(0)
            mark = state.get(key(nxt))
            if mark == 1:
                start = next(i for i, n in enumerate(path) if key(n) == key(nxt))
                _keep(found, path[start:], key)
            elif mark is None:
                state[key(nxt)] = 1
                path.append(nxt)
                stack.append((nxt, list(edges(nxt))))
    return [found[k] for k in sorted(found)]


def _keep(found: dict[tuple[int, ...], list[N]], cycle: list[N], key: Callable[[N], int]) -> None:
    keys = [key(n) for n in cycle]
    low = keys.index(min(keys))
    rotated = cycle[low:] + cycle[:low]
    found.setdefault(tuple(key(n) for n in rotated), rotated)
