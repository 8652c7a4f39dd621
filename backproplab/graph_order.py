"""Step 3 of the built-in graph layout (graph_layout.py): the order of the nodes within
each rank, chosen so that few edges cross.

Each sweep goes over the ranks, down and then up, and sorts a rank by the barycentre
(average position) of each node's neighbours in the rank just visited; the order with
the fewest crossings over all sweeps is kept. Counting crossings is the costly part: it
is done by counting inversions with a Fenwick tree, O(E log V) per pair of ranks, so
that a drawing of thousands of nodes takes a fraction of a second (`make bench`).

Used by draw_graph without Graphviz (lesson 02 onwards).
"""


def _crossings(pos_a, pos_b, links):
    """Number of crossing links between two neighbouring ranks (pos_*: node -> place).

    Two links cross when their ends are in opposite orders. Sorted by the upper end,
    the crossings are the inversions of the lower ends; a Fenwick tree counts them in
    O(E log V) instead of comparing every pair of links.
    """
    pairs = sorted((pos_a[a], pos_b[b]) for a, b in links)
    size = len(pos_b)
    tree = [0] * (size + 1)  # tree[i]: how many lower ends seen so far, by place
    crossings = 0
    for seen, (_, b) in enumerate(pairs):
        at_most_b, i = 0, b + 1  # seen lower ends at places <= b
        while i:
            at_most_b += tree[i]
            i -= i & -i
        crossings += seen - at_most_b  # those at places > b cross this link
        i = b + 1
        while i <= size:
            tree[i] += 1
            i += i & -i
    return crossings


def order_ranks(layers, up, down, links):
    """Reorder each rank by the barycentre of its neighbours; keep the best sweep."""
    rank = {v: r for r, layer in enumerate(layers) for v in layer}
    between = [[] for _ in layers]  # between[r]: the links from rank r to rank r + 1
    for a, b in links:
        between[rank[a]].append((a, b))

    def total():
        places = [{v: i for i, v in enumerate(layer)} for layer in layers]
        return sum(_crossings(places[r], places[r + 1], between[r])
                   for r in range(len(layers) - 1))

    best, best_crossings = [list(layer) for layer in layers], total()
    for sweep in range(8):
        downward = sweep % 2 == 0
        ranks = range(1, len(layers)) if downward else range(len(layers) - 2, -1, -1)
        for r in ranks:
            ref = layers[r - 1] if downward else layers[r + 1]
            pos = {v: i for i, v in enumerate(ref)}
            nbrs = up if downward else down
            key = {}
            for i, v in enumerate(layers[r]):
                near = [pos[u] for u in nbrs[v] if u in pos]
                key[v] = sum(near) / len(near) if near else i  # whole numbers: exact
            layers[r].sort(key=lambda v: key[v])  # stable: ties keep their order
        crossings = total()
        if crossings < best_crossings:
            best, best_crossings = [list(layer) for layer in layers], crossings
    return best
