"""Music-sense glosses from Princeton WordNet 3.0 as Debian packages it (wordnet-base,
/usr/share/wordnet): "organ" -> "(music) an electronic simulation of a pipe organ". A tried and
rejected text-side fix of issue 15 (crossset.py evidence); nothing in the product reads WordNet."""
import os

WN = "/usr/share/wordnet"


def available():
    return os.path.exists(os.path.join(WN, "data.noun"))


class Glosses:
    def __init__(self):
        self.syn, self.idx, self.exc = {}, {}, {}
        for line in open(os.path.join(WN, "data.noun"), encoding="latin-1"):
            if line.startswith("  "):
                continue
            head, _, gloss = line.partition(" | ")
            f = head.split()
            n = int(f[3], 16)
            i = 4 + 2 * n
            ptrs = [(f[i + 1 + 4 * k], f[i + 2 + 4 * k], f[i + 3 + 4 * k]) for k in range(int(f[i]))]
            self.syn[f[0]] = {"ptrs": ptrs, "gloss": gloss.strip()}
        for line in open(os.path.join(WN, "index.noun"), encoding="latin-1"):
            if not line.startswith("  "):
                f = line.split()
                self.idx[f[0]] = f[4 + int(f[3]) + 2:4 + int(f[3]) + 2 + int(f[2])]
        for line in open(os.path.join(WN, "noun.exc"), encoding="latin-1"):
            a, b = line.split()[:2]
            self.exc[a] = b
        first = lambda lemma, start: next(o for o in self.idx[lemma] if self.syn[o]["gloss"].startswith(start))
        self.music = first("music", "an artistic form of auditory")
        self.roots = {self.idx["musical_instrument"][0], self.music, self.idx["musical_organization"][0], first("genre", "a class of art")}

    def hypernyms(self, off):
        seen, todo = set(), [off]
        while todo:
            for s, o, p in self.syn[todo.pop()]["ptrs"]:
                if s in ("@", "@i") and p == "n" and o not in seen:
                    seen.add(o)
                    todo.append(o)
        return seen

    def is_music(self, off):
        return bool(self.roots & (self.hypernyms(off) | {off})) or any(s == ";c" and o == self.music for s, o, _ in self.syn[off]["ptrs"])

    def gloss(self, word):
        """'word: definition' of the word's most frequent musical sense, or None."""
        w = word.lower().strip().replace(" ", "_")
        for lemma in [w, self.exc.get(w), w[:-1] if w.endswith("s") else None]:
            for off in self.idx.get(lemma or "", []):
                if self.is_music(off):
                    return f"{word}: " + self.syn[off]["gloss"].split(";")[0].replace("(music) ", "").strip()
        return None
