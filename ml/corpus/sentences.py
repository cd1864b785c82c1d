"""Generated sentences for espeak-ng: radio, podcast, announcement and conversation styles.

Templates x word lists give thousands of distinct sentences per language without any downloaded text.
English and Spanish are combinatorial; French, German, Italian and Portuguese use short phrase banks
(enough for varied prosody and phonetics; the speech head does not need to understand them).
"""

from __future__ import annotations

import numpy as np

__all__ = ["sentence", "LANGUAGE_OF_VOICE"]

_EN = {
    "open": (
        "",
        "Good morning. ",
        "And now, ",
        "In other news, ",
        "Well, ",
        "So, ",
        "Listen, ",
        "Honestly, ",
    ),
    "subject": (
        "the city council",
        "our next guest",
        "the weather service",
        "a small bakery downtown",
        "the football club",
        "researchers at the university",
        "the morning train",
        "my grandmother",
        "the new library",
        "volunteers from the harbour",
        "the school choir",
        "a team of engineers",
    ),
    "verb": (
        "announced",
        "reported",
        "explained",
        "will open",
        "has cancelled",
        "celebrated",
        "is planning",
        "described",
        "is still discussing",
        "finally approved",
    ),
    "object": (
        "a festival on Saturday",
        "delays on the northern line",
        "a new recipe for bread",
        "the results of the survey",
        "plans for a bigger park",
        "the history of the old bridge",
        "an exhibition of paintings",
        "heavy rain in the afternoon",
        "free concerts in the square",
        "a cheaper ticket for students",
    ),
    "tail": (
        "",
        " this week",
        " after a long discussion",
        ", according to a spokesperson",
        " for the third time this year",
        " despite the cold weather",
        ", and nobody expected that",
    ),
    "end": (".", ".", ".", "!", "?"),
}
_ES = {
    "open": ("", "Buenos días. ", "Y ahora, ", "Bueno, ", "Atención, ", "Por cierto, "),
    "subject": (
        "el ayuntamiento",
        "nuestra invitada",
        "el servicio meteorológico",
        "una panadería del centro",
        "el club de fútbol",
        "los investigadores",
        "el tren de la mañana",
        "mi abuela",
        "la biblioteca nueva",
    ),
    "verb": ("anunció", "explicó", "va a abrir", "ha cancelado", "celebró", "está preparando", "describió"),
    "object": (
        "una fiesta el sábado",
        "retrasos en la línea norte",
        "una receta nueva de pan",
        "los resultados de la encuesta",
        "un parque más grande",
        "la historia del puente viejo",
        "conciertos gratuitos en la plaza",
    ),
    "tail": (
        "",
        " esta semana",
        " después de una larga discusión",
        " según un portavoz",
        " a pesar del frío",
    ),
    "end": (".", ".", "!", "?"),
}
_BANKS = {
    "fr": (
        "Bonjour et bienvenue dans notre émission du matin.",
        "Il va pleuvoir cet après-midi sur la côte.",
        "Le marché de Noël ouvre ses portes samedi prochain.",
        "Merci de votre appel, un conseiller va répondre.",
        "La bibliothèque municipale sera fermée lundi.",
        "Nous parlons aujourd'hui de cuisine et de voyages.",
    ),
    "de": (
        "Guten Morgen und herzlich willkommen.",
        "Am Nachmittag wird es im Norden regnen.",
        "Der Zug nach Hamburg hat leider zwanzig Minuten Verspätung.",
        "Vielen Dank für Ihren Anruf.",
        "Heute sprechen wir über Bücher, Musik und Reisen.",
        "Die Bibliothek bleibt am Montag geschlossen.",
    ),
    "it": (
        "Buongiorno e benvenuti al nostro programma.",
        "Nel pomeriggio è prevista pioggia al nord.",
        "Il treno per Milano è in ritardo di dieci minuti.",
        "Grazie per aver chiamato, restate in linea.",
        "Oggi parliamo di cucina, di viaggi e di libri.",
        "Il mercato apre sabato mattina in piazza.",
    ),
    "pt": (
        "Bom dia e bem-vindos ao nosso programa.",
        "Vai chover à tarde no litoral.",
        "O trem para São Paulo está atrasado.",
        "Obrigado por ligar, aguarde um momento.",
        "Hoje vamos falar de música, livros e viagens.",
        "A biblioteca fica fechada na segunda-feira.",
    ),
}

LANGUAGE_OF_VOICE = {"en": _EN, "es": _ES}


def sentence(voice_language: str, rng: np.random.Generator) -> str:
    """A sentence in the language of an espeak-ng voice name such as 'en-gb', 'es-419' or 'pt-br'."""
    language = voice_language.split("-")[0]
    if language in _BANKS:
        return str(rng.choice(_BANKS[language]))
    parts = LANGUAGE_OF_VOICE[language]
    pick = {k: str(rng.choice(v)) for k, v in parts.items()}
    text = f"{pick['open']}{pick['subject']} {pick['verb']} {pick['object']}{pick['tail']}{pick['end']}"
    return text[0].upper() + text[1:]
