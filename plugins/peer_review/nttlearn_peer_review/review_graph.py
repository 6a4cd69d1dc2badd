"""The review graph behind reviewer allocation: the input indexed by integers, the assignment
being built, and the greedy pass and augmenting-path searches that ``allocation`` combines.

Internal to :mod:`nttlearn_peer_review.allocation`, which documents the algorithm.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from heapq import heapify, heappop, heappush
from typing import Any

_UNSEEN = -2
_ROOT = -1
_SUITABLE_LOOKAHEAD = 6  # reviewers examined per pick to find one from another organisation
_CLAIMS_PER_TURN = 4  # reviewers a submission claims per turn in a search

# One step of an augmenting path: submission, reviewer it gains, reviewer it drops (or -1).
Step = tuple[int, int, int]


def country_code(value: Any) -> str | None:
    """An ISO country code as compared here: stripped and upper-case; None when missing."""
    if value is None:
        return None
    text = str(value).strip().upper()
    return text or None


def _listed(value: Any) -> list[Any]:
    """A field that should be a list; a lone string is taken as a one-item list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


class ReviewGraph:
    """The input, indexed: submissions and reviewers become ints, countries become groups."""

    def __init__(
        self,
        submissions: Sequence[Mapping[str, Any]],
        reviewers: Sequence[Mapping[str, Any]],
        k: int,
    ) -> None:
        if isinstance(k, bool) or not isinstance(k, int) or k < 0:
            raise ValueError(f"k must be a non-negative integer, not {k!r}")
        self.rev_ids: list[str] = []
        self.rev_index: dict[str, int] = {}
        self.rev_group: list[int] = []
        self.rev_org: list[Any] = []
        group_of: dict[str | None, int] = {}
        for reviewer in reviewers:
            rid = reviewer["id"]
            if rid in self.rev_index:
                raise ValueError(f"duplicate reviewer id {rid!r}")
            self.rev_index[rid] = len(self.rev_ids)
            self.rev_ids.append(rid)
            self.rev_group.append(
                group_of.setdefault(country_code(reviewer.get("country")), len(group_of))
            )
            self.rev_org.append(reviewer.get("organisation"))
        self.groups: list[list[int]] = [[] for _ in group_of]
        for r, g in enumerate(self.rev_group):
            self.groups[g].append(r)

        m = len(self.rev_ids)
        self.sub_ids: list[str] = []
        self.authors: list[frozenset[int]] = []
        self.bad_set: list[frozenset[int]] = []
        self.good_groups: list[list[int]] = []
        self.bad_groups: list[list[int]] = []
        self.sub_orgs: list[frozenset[Any]] = []
        self.need: list[int] = []
        self.good_need: list[int] = []
        self.good_eligible: list[int] = []
        seen: set[str] = set()
        for submission in submissions:
            sid = submission["id"]
            if sid in seen:
                raise ValueError(f"duplicate submission id {sid!r}")
            seen.add(sid)
            self.sub_ids.append(sid)
            authors = frozenset(
                self.rev_index[a] for a in _listed(submission.get("authors")) if a in self.rev_index
            )
            countries = {country_code(c) for c in _listed(submission.get("countries"))} - {None}
            bad = frozenset(group_of[c] for c in countries if c in group_of)
            good = [g for g in range(len(self.groups)) if g not in bad]
            need = min(k, m - len(authors))
            good_eligible = sum(len(self.groups[g]) for g in good) - sum(
                1 for a in authors if self.rev_group[a] not in bad
            )
            self.authors.append(authors)
            self.bad_set.append(bad)
            self.good_groups.append(good)
            self.bad_groups.append(sorted(bad))
            self.sub_orgs.append(
                frozenset(o for o in _listed(submission.get("organisations")) if o is not None)
            )
            self.need.append(need)
            self.good_need.append(min(need, good_eligible))
            self.good_eligible.append(good_eligible)

    def same_org(self, s: int, r: int) -> bool:
        return self.rev_org[r] is not None and self.rev_org[r] in self.sub_orgs[s]

    def same_country(self, s: int, r: int) -> bool:
        return self.rev_group[r] in self.bad_set[s]


class Assignment:
    """Mutable assignment state, kept in both directions."""

    def __init__(self, n: int, m: int) -> None:
        self.assigned: list[set[int]] = [set() for _ in range(n)]
        self.reviews: list[set[int]] = [set() for _ in range(m)]

    def add(self, s: int, r: int) -> None:
        self.assigned[s].add(r)
        self.reviews[r].add(s)

    def remove(self, s: int, r: int) -> None:
        self.assigned[s].discard(r)
        self.reviews[r].discard(s)

    def apply(self, path: list[Step]) -> None:
        for s, gained, dropped in path:
            self.add(s, gained)
            if dropped >= 0:
                self.remove(s, dropped)


def _pick(
    graph: ReviewGraph,
    state: Assignment,
    s: int,
    heaps: list[list[tuple[int, int, int]]],
    groups: list[int],
) -> int | None:
    """Pop the least-loaded suitable reviewer for ``s`` from ``groups``, preferring other organisations.

    Groups are tried by their least load, then by how many open reviewers they have left."""
    open_groups = [(h[0][0], -len(h), g) for g in groups if (h := heaps[g])]
    if not open_groups:
        return None
    first = min(open_groups)
    r = _pick_in_group(graph, state, s, heaps[first[2]])
    if r is not None:
        return r
    for _load, _size, g in sorted(open_groups):
        if g != first[2] and (r := _pick_in_group(graph, state, s, heaps[g])) is not None:
            return r
    return None


def _pick_in_group(
    graph: ReviewGraph, state: Assignment, s: int, heap: list[tuple[int, int, int]]
) -> int | None:
    """Pop the first few eligible reviewers of one country; keep one from another organisation."""
    excluded_a, excluded_b = graph.authors[s], state.assigned[s]
    set_aside: list[tuple[int, int, int]] = []
    fallback: tuple[int, int, int] | None = None
    chosen: tuple[int, int, int] | None = None
    examined = 0
    while heap and examined < _SUITABLE_LOOKAHEAD:
        entry = heappop(heap)
        r = entry[2]
        if r in excluded_a or r in excluded_b:
            set_aside.append(entry)
            continue
        examined += 1
        if not graph.same_org(s, r):
            chosen = entry
            break
        if fallback is None:
            fallback = entry
        else:
            set_aside.append(entry)
    if chosen is None:
        chosen, fallback = fallback, None
    elif fallback is not None:
        set_aside.append(fallback)
    for entry in set_aside:
        heappush(heap, entry)
    return None if chosen is None else chosen[2]


def fill_greedily(
    graph: ReviewGraph,
    state: Assignment,
    need: list[int],
    order: list[int],
    cap: int,
    allow_same_country: bool,
    tiebreak: list[int],
) -> None:
    """Give each submission, in ``order``, up to ``need`` reviewers whose load stays under ``cap``:
    country-free ones first, each time the least-loaded of the country with the most room."""
    heaps: list[list[tuple[int, int, int]]] = []
    for members in graph.groups:
        heap = [
            (len(state.reviews[r]), tiebreak[r], r) for r in members if len(state.reviews[r]) < cap
        ]
        heapify(heap)
        heaps.append(heap)
    for s in order:
        for _ in range(need[s] - len(state.assigned[s])):
            r = _pick(graph, state, s, heaps, graph.good_groups[s])
            if r is None and allow_same_country:
                r = _pick(graph, state, s, heaps, graph.bad_groups[s])
            if r is None:
                break
            state.add(s, r)
            load = len(state.reviews[r])
            if load < cap:
                heappush(heaps[graph.rev_group[r]], (load, tiebreak[r], r))


def search(
    graph: ReviewGraph,
    state: Assignment,
    roots: Iterable[tuple[int, int]],
    is_terminal: Callable[[int], bool],
    allow_same_country: bool,
    cycles: bool = False,
) -> list[list[Step]]:
    """One breadth-first phase of augmenting paths, returned vertex-disjoint.

    ``roots`` are ``(submission, dropped)`` pairs: the submission needs one more reviewer, either
    because it is short of reviewers (``dropped == -1``) or because reviewer ``dropped`` gives it
    away. A path ends at a reviewer for which ``is_terminal`` holds (or, with ``cycles``, back at
    its own root's dropped reviewer); every reviewer in between joins one submission and leaves
    another, so its load does not change. With ``allow_same_country`` the search is a 0-1 BFS in
    which a same-country review costs 1; without it, it uses country-free reviews only.
    """
    assigned, reviews, authors = state.assigned, state.reviews, graph.authors
    sub_parent = [_UNSEEN] * len(graph.sub_ids)
    rev_parent = [_UNSEEN] * len(graph.rev_ids)
    root_drop: dict[int, int] = {}
    root_of = list(range(len(graph.sub_ids))) if cycles else []
    queue: deque[int] = deque()
    for s, dropped in roots:
        if sub_parent[s] == _UNSEEN:
            sub_parent[s] = _ROOT
            root_drop[s] = dropped
            queue.append(s)
            if dropped >= 0 and not cycles:
                rev_parent[dropped] = _ROOT
    # Unclaimed reviewers per country, used as stacks. A submission claims at most a few per
    # turn and then waits for its next turn, so that many roots grow trees of their own and one
    # phase yields many disjoint paths.
    remaining = [[r for r in members if rev_parent[r] == _UNSEEN] for members in graph.groups]
    wanted = len(root_drop)
    terminals: list[int] = []
    work: deque[tuple[int, list[int]]] = deque()
    later: list[tuple[int, list[int]]] = []  # same-country expansions, one cost level up

    def discover(s: int) -> None:
        work.append((s, graph.good_groups[s]))
        if allow_same_country and graph.bad_groups[s]:
            later.append((s, graph.bad_groups[s]))

    def claim(s: int, r: int) -> None:
        rev_parent[r] = s
        if is_terminal(r) or (cycles and r == root_drop[root_of[s]]):
            terminals.append(r)
            return
        for s2 in reviews[r]:
            if sub_parent[s2] == _UNSEEN:
                sub_parent[s2] = r
                if cycles:
                    root_of[s2] = root_of[s]
                discover(s2)

    def scan(s: int, g: int) -> bool:
        """Claim a few of country ``g``'s reviewers for ``s``; True if more may be left for it."""
        stack = remaining[g]
        excluded_a, excluded_b = authors[s], assigned[s]
        skipped = []
        claimed = 0
        while stack and claimed < _CLAIMS_PER_TURN:
            r = stack.pop()
            if r in excluded_a or r in excluded_b:
                skipped.append(r)
            else:
                claimed += 1
                claim(s, r)
        more = bool(stack)
        stack.extend(skipped)
        return more

    for s in queue:
        discover(s)
    while True:
        while work and len(terminals) < wanted:
            s, groups = work.popleft()
            pending = [g for g in groups if remaining[g] and scan(s, g)]
            if pending:
                work.append((s, pending))
        if terminals or not later:
            break
        work.extend(later)
        later.clear()

    paths: list[list[Step]] = []
    used_subs: set[int] = set()
    used_revs: set[int] = set()
    for end in terminals:
        path: list[Step] = []
        revs, subs = [end], []
        r = end
        while True:
            s = rev_parent[r]
            parent = sub_parent[s]
            dropped = root_drop[s] if parent == _ROOT else parent
            path.append((s, r, dropped))
            subs.append(s)
            if dropped >= 0:
                revs.append(dropped)
            if parent == _ROOT:
                break
            r = parent
        if used_subs.isdisjoint(subs) and used_revs.isdisjoint(revs):
            used_subs.update(subs)
            used_revs.update(revs)
            paths.append(path)
    return paths


def saturate(
    graph: ReviewGraph,
    state: Assignment,
    need: list[int],
    order: list[int],
    cap: int,
    max_cap: int,
    allow_same_country: bool,
) -> bool:
    """Give every submission ``need`` reviewers along augmenting paths, raising the load cap
    from ``cap`` only when no path is left, never above ``max_cap``. Returns whether it did."""
    reviews, assigned = state.reviews, state.assigned
    short = [s for s in order if len(assigned[s]) < need[s]]
    while True:
        short = [s for s in short if len(assigned[s]) < need[s]]
        roots = [(s, -1) for s in short]
        if not roots:
            return True
        paths = search(
            graph, state, roots, lambda r, cap=cap: len(reviews[r]) < cap, allow_same_country
        )
        if not paths:
            if cap >= max_cap:
                return False
            cap += 1
        for path in paths:
            state.apply(path)


def level(graph: ReviewGraph, state: Assignment, allow_same_country: bool) -> None:
    """Move reviews along exchange paths until no load can drop by giving to one two lower."""
    reviews = state.reviews
    while True:
        loads = [len(x) for x in reviews]
        if not loads or max(loads) - min(loads) <= 1:
            return
        for w in range(max(loads), min(loads) + 1, -1):
            roots = [
                (s, r) for r, load in enumerate(loads) if load == w for s in sorted(reviews[r])
            ]
            if not roots:
                continue
            paths = search(
                graph, state, roots, lambda r, w=w: len(reviews[r]) <= w - 2, allow_same_country
            )
            if paths:
                for path in paths:
                    state.apply(path)
                break
        else:
            return
