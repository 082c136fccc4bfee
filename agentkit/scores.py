"""The overlap scores, as a registry open to your own: `agentkit.overlap` computes every registered score,
the built-in ones (`same_role`, `description`, `body`, `topic`, `tools`) registered exactly as yours is.

    import numpy as np
    from agentkit.scores import Score, register

    @register
    class SameModel(Score):
        name = "same_model"
        about = "1 when both agents ask for the same model, else 0"

        def values(self, i, j):
            models = [a.model for a in self.source.agents]
            return np.array([float(models[x] == models[y]) for x, y in zip(i, j)])

    agentkit.overlap(agents).pairs(0.5, kind="same_model")

    Score          the base class: `values(i, j)` at least; `search(threshold)`, `say(value)`, `check(...)`
    Found          what a `search` returns: the pairs at or above a threshold and their values
    register       the class decorator that adds a score; registered() lists their names
    stop_words()   the words the description score leaves out (English stop words and generic agent prose)
    description_words(text)  (start, end, word) of each word the description score counts
"""

from agentkit._overlap.scores import Found, Score, register, registered
from agentkit._overlap.text import description_words, stop_words

__all__ = ["Found", "Score", "description_words", "register", "registered", "stop_words"]
