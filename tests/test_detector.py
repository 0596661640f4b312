"""Tests for bot.detector: what must raise the alarm, what must not, and that it never breaks."""

from __future__ import annotations

import random
import time

import pytest

from bot.detector import LANGUAGES, Detection, detect, normalise

# --------------------------------------------------------------------------------------
# Positive examples: someone is overdosing
# --------------------------------------------------------------------------------------

OVERDOSE_CASES: dict[str, list[str]] = {
    "en": [
        "he's not breathing",
        "HE IS NOT REALLY BREATHING",
        "my mate isnt breathin properly help",
        "she stopped breathing!!!",
        "he cant breath",
        "help he's not breating",  # a letter left out
        "heeelp hes nooot breathing",  # stretched letters
        "he's barely breathinggg",
        "his lips are going blue",
        "blue lips 😱",
        "she's turning blue",
        "he won't wake up",
        "he won t wake up",
        "he wont wake up",
        "lips going blue",
        "I can't wake him",
        "he can't wake up",
        "my boyfriend is unconcious",
        "she's unresponsive",
        "he's not responding to anything",
        "I think he OD'd",
        "she's overdosing",
        "he just overdosed on gear",
        "he took too much, what do I do",
        "my friend collapsed in the toilet",
        "he's gurgling and won't wake",
        "no pulse",
        "i dont think hes breathing",
        "I think she's dead",
        "my probation officer's ok but my mate is not responding",
    ],
    "fr": [
        "il ne respire plus",
        "IL RESPIRE PLUS",
        "elle respire pas !!",
        "il ne respire pas bien",
        "mon pote respire presque plus",
        "il respiiire plus",
        "il ne respirre plus",  # typo
        "ses lèvres sont bleues",
        "levres bleues",
        "il devient tout bleu",
        "il se reveille pas",
        "elle ne se réveille plus",
        "j'arrive pas à le réveiller",
        "il est inconscient",
        "elle est inconsciente",
        "il a fait une overdose",
        "je crois qu'il fait une od",
        "surdose d'héroïne",
        "il ne réagit pas",
        "il a perdu connaissance",
        "il est tout bleu et respire pas",
    ],
    "de": [
        "er atmet nicht mehr",
        "ER ATMET NICHT",
        "sie atmet kaum noch",
        "blaue Lippen",
        "seine Lippen sind ganz blau",
        "er wird blau",
        "er wacht nicht auf",
        "sie wacht einfach nicht mehr auf",
        "ich kriege ihn nicht wach",
        "er ist bewusstlos",
        "er ist bewustlos",  # typo
        "Überdosis!!",
        "ueberdosis",
        "uberdosis",
        "keine Atmung",
        "Lippen blau",
        "sie hat sich überdosiert",
        "er reagiert nicht",
        "mein Kumpel ist zusammengebrochen",
        "er hat aufgehört zu atmen",
        "er kann nicht atmen",
        "er hat ne OD",
        "er ist nicht mehr ansprechbar",
    ],
    "nl": [
        "hij ademt niet",
        "ze ademt niet meer",
        "HIJ ADEMT NAUWELIJKS",
        "blauwe lippen",
        "zijn lippen worden blauw",
        "hij wordt blauw",
        "hij wordt niet wakker",
        "ze wordt gewoon niet meer wakker",
        "ik krijg hem niet wakker",
        "hij is bewusteloos",
        "hij is bewustelos",  # typo
        "overdosis",
        "ik denk dat ze een overdosis heeft",
        "hij reageert niet",
        "hij is in elkaar gezakt",
        "hij is gestopt met ademen",
        "hij heeft een OD",
        "hij is overdosed",
        "mijn vriend is niet aanspreekbaar",
    ],
    "pt": [
        "ele não respira",
        "ELE NAO RESPIRA",
        "ela não está a respirar",
        "ele não tá respirando",
        "ele nao esta respirando",
        "parou de respirar",
        "os lábios estão azuis",
        "labios roxos",
        "ele não acorda",
        "não consigo acordá-lo",
        "ele está inconsciente",
        "ela ta inconciente",  # typo
        "teve uma overdose",
        "acho que é uma sobredosagem",
        "ele nao reage",
        "desmaiou e não acorda",
        "ele mal respira",
        "ele ficou azul",
        "ela está roxa e não respira",
    ],
}

# --------------------------------------------------------------------------------------
# Positive examples: suicidal intent or self-harm
# --------------------------------------------------------------------------------------

CRISIS_CASES: dict[str, list[str]] = {
    "en": [
        "gave my stuff away, wont need any of it where im going",
        "I want to kill myself",
        "I feel like killing myself",
        "gonna jump off a bridge",
        "gonna KILL MYSELF tonight",
        "kiiilll myself",
        "i wanna die",
        "i want to dieeee",
        "I just want to end it all",
        "thinking of ending my life",
        "I'm suicidal",
        "I can't stop feeling suicidal",
        "feeling suicidel",  # typo
        "I don't want to live anymore",
        "dont wanna be here anymore",
        "I'd be better off dead",
        "there's no reason to live",
        "going to hang myself",
        "I cut myself again",
        "thinking about taking my own life",
        "slit my wrists",
        "i wish i was dead",
    ],
    "fr": [
        "je veux mourir",
        "j'ai envie de mourir",
        "je veux mourrir",  # typo
        "je vais me suicider",
        "JE SUIS SUICIDAIRE",
        "je pense au suicide",
        "je veux en finir",
        "envie d'en finir",
        "mettre fin a mes jours",
        "j'ai envie de me foutre en l'air",
        "je vais me foutre en lair",
        "j'ai plus envie de vivre",
        "je vais me pendre",
        "je veux me tuer",
        "j'en ai marre de la vie",
    ],
    "de": [
        "heute abend setz ich mir den goldenen schuss",
        "sitz hier mit nem strick",
        "ich will mich umbringen",
        "ich bring mich um",
        "ich denke an Selbstmord",
        "selbstmort",  # typo
        "Suizidgedanken",
        "ich bin suizidal",
        "ich will sterben",
        "ich mochte sterben",
        "ich moechte sterben",
        "ich will nicht mehr leben",
        "ich will mit allem Schluss machen",
        "ich will mir das Leben nehmen",
        "ich werde mich aufhängen",
        "ich ritze mich wieder",
        "ich will mich ritzen",
        "ich denke an Suizid",
        "ich will mit dem Leben Schluss machen",
        "ich will mir was antun",
    ],
    "nl": [
        "ik wil dood",
        "ik wil dooood",
        "ik denk aan zelfmoord",
        "zelfmood",  # typo
        "zelfmoordgedachten",
        "ik ben suïcidaal",
        "ik ben suicidaal",
        "ik wil mezelf van kant maken",
        "ik wil niet meer leven",
        "ik wil er een eind aan maken",
        "ik ga mezelf ophangen",
        "ik wil sterven",
        "ik ben liever dood",
        "ik wil voor de trein springen",
    ],
    "pt": [
        "to sentado nos trilhos atrás da estação",
        "quero morrer",
        "eu só quero morrer",
        "Não, quero morrer",
        "queroo morreer",
        "vou me matar",
        "vou matar-me",
        "penso em suicídio",
        "penso em suicidio",
        "quero me suicidar",
        "vou acabar com tudo",
        "quero tirar a minha vida",
        "não quero viver mais",
        "vou enforcar-me",
        "tenho vontade de morrer",
    ],
}

# --------------------------------------------------------------------------------------
# Negative examples: the card would scare or annoy
# --------------------------------------------------------------------------------------

NEGATIVE_CASES: dict[str, list[str]] = {
    "en": [
        "wont need my coat where im going, its sunny there",
        "I'm breathing fine now",
        "I've been breathing better since I quit smoking",
        "my blue jacket",
        "blue sky today",
        "killing time",
        "this queue is killing me",
        "I'm dying to see my kids",
        "the odds are good",
        "odd",
        "code",
        "old",
        "period",
        "stop",
        "suit",
        "dead tired",
        "I could die for a coffee",
        "I met Oded today",
        "I don't want to die",
        "I really don't want to die",
        "the app is not responding",
        "he is not responding to my texts",
        "my alarm won't wake me up",
        "I'm not waking up early tomorrow",
        "I can't wake up in the mornings",
        "I just can't wake up",
        "I'm handing myself in to probation",
        "I'm not breaching my licence",
        "he overdoes the sugar",
        "I've overdone it at the gym",
        "stop over doing it",
        "I'm gargling salt water",
        "I don't want to live with my mum",
        "I cut myself shaving",
        "I'll hang it myself",
        "at the end of my life I want peace",
        "the deal collapsed",
        "my vein collapsed",
        "her lips are not blue",
        "he talked till he was blue in the face",
        "it took too much time",
        "I want to take my life back",
        "my probation officer isn't responding",
        "the lights went blue",
        "I think he's dead set on moving",
        "he's not answering his phone",
        "I'm not suicidal, just tired",
        "no breathing exercises for me",
    ],
    "fr": [
        "je respire mieux",
        "je respire plus fort quand je cours",
        "il respire normalement",
        "il se réveille tôt",
        "il ne se réveille pas avant midi",
        "ce boulot va me tuer",
        "ça va me tuer",
        "j'ai pas envie de mourir",
        "je ne veux pas mourir",
        "je veux vivre",
        "je veux plus vivre ici",
        "le ciel est bleu",
        "mes livres bleus",
        "je vais me prendre un café",
        "je vais me perdre en ville",
        "j'ai hâte d'en finir avec ce dossier",
        "j'ai envie de créer un truc",
        "une bonne période",
        "mon code",
        "il va bien",
        "c'est une odeur bizarre",
        "il dort",
        "j'ai perdu mes clés",
        "la suite",
        "il est mort de fatigue",
        "je ne suis pas suicidaire",
    ],
    "de": [
        "meine Lippen sind trocken",
        "ich atme ruhig",
        "ich will mit ihr Schluss machen",
        "die App reagiert nicht",
        "das Programm reagiert nicht mehr",
        "ich will nicht sterben",
        "ich wache früh auf",
        "der Himmel ist blau",
        "ich will leben",
        "ich kann nicht mehr lesen",
        "ich will sie nicht mehr lieben",
        "meine Vene ist kollabiert",
        "ich habe Hunger",
        "das war knapp",
        "Stopp",
        "du musst mich auffangen",
        "die wollen mich treten",
        "die Brücke ist schön",
        "der Wecker klingelt",
        "ich lebe noch",
        "ich muss zum Amt",
        "eine blaue Jacke",
        "er ist wach",
        "ich bin müde",
        "alter Code",
        "ich bin nicht suizidal",
    ],
    "nl": [
        "ik adem rustig",
        "de lucht is blauw",
        "ik wil doorgaan",
        "ik wil niet dood",
        "de app reageert niet",
        "het programma reageert niet",
        "ik word vroeg wakker",
        "hij is wakker",
        "mijn wekker gaat om zeven uur",
        "ik wil hier niet meer leven",
        "ik wil leven",
        "ik kan mezelf opvangen",
        "ik wil streven naar werk",
        "een blauwe jas",
        "mooie lippen",
        "ik ben moe",
        "het is oud",
        "de code",
        "een periode",
        "een pak",
        "ik ben doodmoe",
        "hij ademt weer normaal",
        "ik moet naar de gemeente",
        "goedemorgen",
        "hoe laat is het",
        "ik ben niet suïcidaal",
    ],
    "pt": [
        "tô na linha 3 do metrô, chego em 10 min",
        "ela acordou cedo",
        "eu não acordo cedo",
        "ele não acorda cedo",
        "isso vai me matar de rir",
        "a minha mãe vai me matar",
        "este trabalho está a matar-me",
        "o céu está azul",
        "camisa azul",
        "não quero morrer",
        "eu respiro bem",
        "ele não aborda o tema",
        "quero viver",
        "não quero viver aqui",
        "vou me esforçar",
        "quero morder",
        "odeio filas",
        "o código",
        "o período",
        "estou morto de cansaço",
        "que dia bonito",
        "ela respira bem",
        "tenho consulta amanhã",
        "o meu fato novo",
        "bom dia",
        "obrigado",
        "não sou suicida",
    ],
}


def _cases(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(lang, text) for lang, texts in table.items() for text in texts]


def test_enough_examples_per_language() -> None:
    for lang in LANGUAGES:
        assert len(OVERDOSE_CASES[lang]) >= 15, lang
        assert len(CRISIS_CASES[lang]) >= 12, lang
        assert len(NEGATIVE_CASES[lang]) >= 25, lang


@pytest.mark.parametrize(("lang", "text"), _cases(OVERDOSE_CASES))
def test_overdose(lang: str, text: str) -> None:
    d = detect(text, prefer=lang)
    assert d is not None, text
    assert d.overdose, text
    assert d.language == lang


@pytest.mark.parametrize(("lang", "text"), _cases(CRISIS_CASES))
def test_crisis(lang: str, text: str) -> None:
    d = detect(text, prefer=lang)
    assert d is not None, text
    assert d.crisis, text
    assert not d.overdose, text
    assert d.language == lang


@pytest.mark.parametrize(("lang", "text"), _cases(NEGATIVE_CASES))
def test_negative(lang: str, text: str) -> None:
    assert detect(text, prefer=lang) is None
    assert detect(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "I'm going to overdose on purpose",
        "je vais faire une overdose exprès",
        "ich nehme absichtlich eine Überdosis",
        "ik neem expres een overdosis",
        "vou tomar uma overdose de propósito",
    ],
)
def test_intent_to_overdose_is_both(text: str) -> None:
    d = detect(text)
    assert d is not None and d.overdose and d.crisis


def test_overdose_and_crisis_in_one_message() -> None:
    d = detect("he's not breathing and I want to die")
    assert d == Detection(overdose=True, crisis=True, language="en", phrase="not breathing")


@pytest.mark.parametrize(
    ("text", "prefer", "lang"),
    [
        ("overdose", "pt", "pt"),
        ("overdose", "fr", "fr"),
        ("overdose", "nl", "nl"),
        ("overdose", None, "en"),
        ("overdose", "xx", "en"),
        ("OD", "de", "de"),
        ("il a pris une overdose", None, "fr"),
        ("ele teve uma overdose", None, "pt"),
        ("er hat eine OD", None, "de"),
        ("je pense au suicide", None, "fr"),
        ("ik denk aan suïcide", None, "nl"),
        ("bewusstlos", "en", "de"),  # only German has it, whatever the user's language
    ],
)
def test_language(text: str, prefer: str | None, lang: str) -> None:
    d = detect(text, prefer=prefer)
    assert d is not None and d.language == lang


def test_phrase_comes_from_the_lists_not_the_message() -> None:
    d = detect("Sarah's lips are blue on Baker Street")
    assert d is not None
    assert d.phrase == "lips are blue"
    assert "sarah" not in d.phrase.lower() and "baker" not in d.phrase.lower()


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Won't", ["wont"]),
        ("won t", ["wont"]),
        ("won’t", ["wont"]),
        ("Überdosis", ["uberdosis"]),
        ("lábios", ["labios"]),
        ("heeelp!!! 🆘", ["heelp"]),
        ("OD'd", ["od", "d"]),
        ("me foutre en l'air", ["me", "foutre", "en", "l", "air"]),
        ("Straße", ["strasse"]),
        ("", []),
    ],
)
def test_normalise(text: str, tokens: list[str]) -> None:
    assert normalise(text) == tokens


def _random_text(rng: random.Random, n: int) -> str:
    pools = [
        (0x20, 0x7E),  # ASCII
        (0xA0, 0x24F),  # Latin with accents
        (0x300, 0x36F),  # combining marks alone
        (0x400, 0x4FF),  # Cyrillic
        (0x600, 0x6FF),  # Arabic
        (0x4E00, 0x4FFF),  # CJK
        (0x1F300, 0x1F6FF),  # emoji
        (0xD800, 0xDFFF),  # lone surrogates
        (0x0, 0x1F),  # control characters
    ]
    out = []
    for _ in range(n):
        lo, hi = rng.choice(pools)
        out.append(chr(rng.randint(lo, hi)))
    return "".join(out)


def test_never_raises_on_arbitrary_strings() -> None:
    rng = random.Random(48)
    texts = [_random_text(rng, rng.randint(0, 300)) for _ in range(300)]
    texts += [
        "",
        " ",
        "\x00",
        "'" * 100,
        "a" * 4096,
        "od " * 1365,
        "not " * 1024,
        "blue lips " * 409,
        _random_text(rng, 4096),
    ]
    for text in texts:
        result = detect(text)
        assert result is None or isinstance(result, Detection)
        assert isinstance(normalise(text), list)
    assert detect(None) is None  # type: ignore[arg-type]  # non-text updates have no text


def test_long_message_is_fast_enough() -> None:
    rng = random.Random(1)
    words = "the my he she not is was going to a and lips jacket wake up sky blue".split()
    long_words = " ".join(rng.choice(words) for _ in range(800))[:4096]
    long_random = _random_text(rng, 4096)
    start = time.perf_counter()
    for text in (long_words, long_random):
        detect(text)
    # A generous bound: the real cost is well under a millisecond per message.
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    ("text", "overdose", "crisis"),
    [
        ("took too much and feel weird", True, False),
        ("j'en ai trop pris", True, False),
        ("hab zu viel genommen", True, False),
        ("te veel gespoten", True, False),
        ("tomou demais", True, False),
        ("whats the point in living", False, True),
        ("gonna end it tonight", False, True),
        ("à quoi bon vivre", False, True),
        ("wozu noch leben", False, True),
        ("ik zie geen zin meer in leven", False, True),
        ("não vale a pena viver", False, True),
    ],
)
def test_self_reports_and_hopelessness(text: str, overdose: bool, crisis: bool) -> None:
    hit = detect(text)
    assert hit is not None and (hit.overdose, hit.crisis) == (overdose, crisis)


@pytest.mark.parametrize(
    "text",
    [
        "whats the point in this app",
        "I took too much time off",
        "end it with her tonight?",
        "te veel gegeten vandaag",
        "tomei demais café",
    ],
)
def test_everyday_too_much_and_pointless(text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "his pupils are tiny",
        "pinned pupils and wont answer",
        "her lips have gone grey",
        "grey face, not answering",
        "pupilles toutes petites",
        "sein Gesicht ist grau",
        "speldenknop pupillen",
        "a cara dele ficou cinzenta",
    ],
)
def test_the_signs_on_the_overdose_card(text: str) -> None:
    hit = detect(text)
    assert hit is not None and hit.overdose


@pytest.mark.parametrize("text", ["grey sky today", "i have tiny eyes lol", "a grey hoodie"])
def test_everyday_grey_and_tiny(text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "overdosed on chocolate at christmas lol",
        "where do i get overdose reversal spray",
        "is there overdose training near me",
        "overdose awareness day is on the 31st",
    ],
)
def test_the_word_overdose_in_everyday_use(text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id rather be dead than go back inside", "crisis"),
        ("HELP ze gaat out na de dope", "overdose"),
        ("id rather be dead tired than bored", None),
        ("ze gaat uit na het werk", None),
    ],
)
def test_rather_dead_and_going_out(text: str, expected: str | None) -> None:
    hit = detect(text)
    if expected is None:
        assert hit is None
    else:
        assert hit is not None and getattr(hit, expected)


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ("gave him the naloxone but hes still not coming round", True),
        ("ik wil er gewoon niet meer zijn", True),
        ("is he not coming round to yours later?", False),
        ("she wont come round for tea", False),
        ("ik wil er niet meer zijn op dat feest", False),
    ],
)
def test_not_coming_round_and_not_wanting_to_be_here(text: str, hit: bool) -> None:
    assert (detect(text) is not None) is hit


@pytest.mark.parametrize(
    "text",
    [
        "my sister just went down after a bag",
        "hes gone over after his dig",
        "il est tombé juste après sa dose",
        "er ist umgekippt gleich nach dem schuss",
        "ela apagou logo depois do chuto",
    ],
)
def test_gone_down_after_using(text: str) -> None:
    hit = detect(text)
    assert hit is not None and hit.overdose


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        # Calm questions about someone in general, and the names of things, are not alarms...
        ("how do you use the spray if someone overdoses", False),
        ("can you overdose on the naloxone itself", False),
        ("jsuis sorti sans le spray anti overdose", False),
        ("wie benutzt man das nasenspray wenn jemand überdosiert", False),
        ("kan de huisarts een neusspray tegen overdosis voorschrijven", False),
        ("j'ai fait une overdose de séries ce weekend", False),
        ("went down after a long shift, slept 12 hours", False),
        # ...but a person overdosing now still is.
        ("what do i do if he overdoses", True),
        ("he's overdosing on the kitchen floor", True),
        ("je crois qu'il fait une overdose", True),
        ("er hat eine überdosis", True),
        ("ik denk dat hij een overdosis heeft", True),
    ],
)
def test_overdose_in_questions_and_names(text: str, hit: bool) -> None:
    assert (detect(text) is not None) is hit


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ("burning my arms is the only thing that helps", True),
        ("been cutting again since i got out", True),
        ("i hurt myself again last night", True),
        ("je me suis coupée encore hier soir", True),
        ("ich hab mich wieder geritzt", True),
        ("ik heb mezelf weer gesneden", True),
        ("voltei a me cortar desde que saí", True),
        ("burnt myself on the oven lol", False),
        ("my benefits got cut again", False),
        ("im cutting again the hedge tomorrow", False),
    ],
)
def test_self_harm_now_or_again(text: str, hit: bool) -> None:
    found = detect(text)
    assert (found is not None and found.crisis and not found.topic) is hit


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("my mate died of an od last month", True),
        ("stop sending me the overdose messages", True),
        ("watched a documentary about suicide", True),
        ("hes od and not breathing", False),  # a sign of danger beside the topic word
        ("i want to kill myself", False),
        ("going to take an overdose tonight", False),
    ],
)
def test_topic_words_are_marked_so_rasa_can_overrule_them(text: str, topic: bool) -> None:
    found = detect(text)
    assert found is not None and found.topic is topic


@pytest.mark.parametrize(
    "text", ["od in the flat NOW", "help hes od", "HILFE er hat ne überdosis", "SOCORRO overdose"]
)
def test_a_topic_word_with_an_urgent_word_is_a_sign_of_danger(text: str) -> None:
    found = detect(text)
    assert found is not None and found.overdose and not found.topic


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ("im stood on the bridge by the station looking down", True),
        ("no reason to keep going honestly", True),
        ("already worked out how", True),
        ("my partner says hes going to end it", True),
        ("ik snijd mezelf weer", True),
        ("standing on the roof fixing tiles", False),
        ("already worked out how to get to the clinic", False),
        ("shes going to end it with him", False),
    ],
)
def test_warning_signs_with_far_apart_parts_and_plans(text: str, hit: bool) -> None:
    found = detect(text)
    assert (found is not None and found.crisis) is hit


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ("cant stop thinking about walking in front of a bus", True),
        ("got my tablets saved up in a drawer", True),
        ("gonna neck all my pills tonight", True),
        ("wrote a letter to my kids tonight, goodbye everyone", True),
        ("they would all be better off without me", True),
        ("i just want to go to sleep and never wake up", True),
        ("nobody would notice if i was gone", True),
        ("à quoi bon me battre encore", True),
        ("tout le monde serait mieux sans moi", True),
        ("ich will einfach nicht mehr aufwachen", True),
        ("die tabletten liegen gesammelt im schrank", True),
        ("ik wil niet meer verder", True),
        ("zit alweer aan het krassen", True),
        ("estavam todos melhor sem mim", True),
        ("juntei os comprimidos todos", True),
        # Everyday words next to the same ones.
        ("the bus was stopping in front of the hostel", False),
        ("i hope i dont wake up the baby", False),
        ("forgot to take all my tablets yesterday", False),
        ("cant swallow all my pills theyre massive", False),
        ("o meu cão não quer tomar os comprimidos", False),
        ("ik wil niet meer verder met die kliniek", False),
        ("sick of this life of waiting in queues", False),
        ("j'aimerais disparaître quelques jours à la campagne", False),
        ("es hat alles keinen sinn mehr mit dem amt", False),
    ],
)
def test_veiled_intent_means_at_hand_and_goodbyes(text: str, hit: bool) -> None:
    found = detect(text)
    assert (found is not None and found.crisis and not found.topic) is hit


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ("did my old amount and i can feel myself slipping away", True),
        ("il est allongé par terre il bouge plus", True),
        ("elle fait des bruits de gorge bizarres", True),
        ("il répond pas au téléphone depuis hier", False),
        ("allongé sur le canapé devant la télé", False),
    ],
)
def test_going_under_and_lying_still(text: str, hit: bool) -> None:
    found = detect(text)
    assert (found is not None and found.overdose) is hit


@pytest.mark.parametrize(
    ("text", "overdose", "crisis"),
    [
        ("bring the naloxone quick hes gone under", True, False),
        ("my gf is going under what do i do", True, False),
        ("naloxon sofort bitte", True, False),
        ("theres a noose in my room", False, True),
        ("the rope is tied to the banister, sorry", False, True),
        ("the urge to cut is unreal tonight", False, True),
        ("been sat by the railway line for ages thinking", False, True),
        ("j'ai envie de me scarifier ce soir", False, True),
        ("ik heb zo'n drang om mezelf te snijden", False, True),
        ("vontade de me cortar hoje", False, True),
        # The same words, harmless.
        ("where can i get naloxone now that im out", False, False),
        ("urge to cut down on the gear", False, False),
        ("got a rope for the washing line", False, False),
        ("looking at the tracks on this album", False, False),
        ("the walk starting at the canal is nice", False, False),
        ("the business is going under", False, False),
        ("o efeito da naloxona passa depressa?", False, False),
    ],
)
def test_naloxone_this_minute_ropes_urges_and_rails(
    text: str, overdose: bool, crisis: bool
) -> None:
    found = detect(text)
    got = (found.overdose, found.crisis) if found and not found.topic else (False, False)
    assert got == (overdose, crisis)


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        # Someone else, told by a worried friend or parent.
        ("my brother keeps saying hes going to top himself", True),
        ("mon fils dit qu'il va se tuer ce soir", True),
        ("meine tochter schreibt, dass sie sich was antun will", True),
        ("mijn vriend wil een einde aan zijn leven maken", True),
        ("a minha irmã diz que se vai matar", True),
        # Goodbyes and last messages.
        ("dites à mon fils que je l'aime", True),
        ("das hier ist meine letzte nachricht", True),
        ("dit is mijn laatste bericht", True),
        ("esta é a minha última mensagem", True),
        ("not planning on being around next week", True),
        ("got enough now to not come back from it", True),
        # Harmless look-alikes.
        ("my dad says hes going to top up my phone", False),
        ("ive ended it with my dealer for good", False),
        ("a report on overdose deaths in the USA", False),
        ("my PO isnt breathing down my neck this week", False),
    ],
)
def test_other_people_and_last_messages(text: str, hit: bool) -> None:
    found = detect(text)
    assert (found is not None and not found.topic) is hit


@pytest.mark.parametrize(
    ("text", "overdose", "crisis"),
    [
        # Going under again after naloxone, said as happening now.
        ("used the nyxoid 20 mins ago and shes nodding off again", True, False),
        ("on lui a mis la naloxone et là elle retombe", True, False),
        ("we gaven narcan maar hij is weer weggezakt", True, False),
        ("dei a naloxona e ela apagou de novo", True, False),
        # Someone in front of the writer: barely breathing, head gone, limp, purple lips.
        ("shes breathing but barely, what do i do", True, False),
        ("his head dropped and he wont answer", True, False),
        ("il est tout mou et il respire mal", True, False),
        ("i krieg sie ned wach", True, False),
        ("haar lippen zijn paars", True, False),
        ("ele desmaiou na sala depois de se picar", True, False),
        # Veiled intent: letters left, the means in mind, another person's threat.
        ("left letters for my kids on the table", False, True),
        ("cant stop thinking about the railway line", False, True),
        ("gonna keep using until i dont wake up", False, True),
        ("my partner says shes going to kill herself", False, True),
        ("cutting myself is the only thing that helps", False, True),
        ("j'ai plus envie de me réveiller", False, True),
        ("er will sich für immer verabschieden", False, True),
        ("ik heb de pillen hier en denk erover ze allemaal te slikken", False, True),
        ("tenho os comprimidos guardados, vou tomar todos de uma vez", False, True),
        # Calm questions and everyday words next to the same ones.
        ("what if they nod off again after naloxone", False, False),
        ("if i give him the spray and he comes round can he go back under?", False, False),
        ("on m'a dit que la personne peut replonger après la naloxone", False, False),
        ("i wrote letters to my kids every week inside", False, False),
        ("been thinking about the canal walk on sunday", False, False),
        ("shes going to kill herself laughing when she sees this", False, False),
        ("je garde ma métha et je la prends tout d'un coup le matin ?", False, False),
        ("de pijn zakt weer weg", False, False),
        ("ik hoef de tabletten niet allemaal te nemen", False, False),
    ],
)
def test_going_under_again_and_veiled_plans(text: str, overdose: bool, crisis: bool) -> None:
    found = detect(text)
    got = (found.overdose, found.crisis) if found and not found.topic else (False, False)
    assert got == (overdose, crisis)


@pytest.mark.parametrize(
    ("text", "overdose", "crisis"),
    [
        # Wrong after the hit, eyes closing, numb; pills on top of the gear; a fit, foam.
        ("feeling so weird after that last dig, someone come", True, False),
        ("after my last bag i cant keep my eyes open", True, False),
        ("she took a load of pills on top of her methadone", True, False),
        ("his breathing has gone really weird", True, False),
        ("elle fait des convulsions après son shoot", True, False),
        ("er ist nach dem druck umgekippt", True, False),
        ("ik krijg hem ni wakker", True, False),
        ("sai espuma pela boca dele", True, False),
        # Affairs in order, every tablet, a rope, a bridge, a goodbye, intent to overdose.
        ("so no one has to sort out my stuff when im gone", False, True),
        ("gonna take every pill i have", False, True),
        ("nobody would care if i wasnt around", False, True),
        ("elle parlait de se pendre hier soir", False, True),
        ("er hat sich einen strick gekauft", False, True),
        ("ik sta op de brug en het water ziet er zo kalm uit", False, True),
        ("deixei tudo arrumado pra quando eu partir", False, True),
        ("gonna do a huge bag and never wake up", True, True),
        # The same words, harmless.
        ("feeling weird after the shot at the gp", False, False),
        ("after my last shift i cant keep my eyes open", False, False),
        ("my breathing has gone funny since covid", False, False),
        ("he overdoes it now and then", False, False),
        ("sorted my stuff so no one has to deal with it after i get out", False, False),
        ("nobody would notice if i wasnt here for the meeting", False, False),
        ("der hund zuckt im schlaf auf dem sofa", False, False),
        ("hij ligt te schokken van het lachen", False, False),
        ("estou a apagar as fotos antigas", False, False),
        ("exagerei na dose de café hoje", False, False),
        ("sta op de brug, het water is rustig vandaag", False, False),
        ("depois que eu for ao médico deixo tudo arrumado", False, False),
        ("não consigo dormir, fico ansioso a noite toda e tudo tá uma merda", False, False),
    ],
)
def test_wrong_after_the_hit_fits_affairs_in_order_and_bridges(
    text: str, overdose: bool, crisis: bool
) -> None:
    found = detect(text)
    got = (found.overdose, found.crisis) if found and not found.topic else (False, False)
    assert got == (overdose, crisis)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # Jokes, films and stories long ago: a topic hit at most, so Rasa may overrule it.
        ("if arsenal lose again im gonna jump off a bridge lol", True),
        ("if arsenal lose again im gonna jump off a bridge", True),
        ("se o benfica perder eu vou me matar kkkk", True),
        ("the blue lips in that film looked so fake", True),
        ("hatte 2017 ne überdosis, notarzt kam gerade noch rechtzeitig", True),
        ("a l'epoque jai fait une surdose, les pompiers mont sauvé", True),
        ("overdoses happening all over scotland", True),
        # Not a joke, not a film; a sign of danger now beside a story.
        ("i want to kill myself lol not joking", False),
        ("if i lose my kids ill end it all", False),
        ("il va se tuer s'il perd son appart", False),
        ("hes got blue lips help, like in that film", False),
        ("hes not breathing, he had an od last year too", False),
        ("overdoes happening now", False),
    ],
)
def test_jokes_films_and_stories_are_topic_hits(text: str, topic: bool) -> None:
    found = detect(text)
    assert found is not None and found.topic is topic


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        # At the tracks, thinking of stepping out.
        ("at the train tracks near my old house. just thinking about stepping out", True),
        ("by the railway, thinking about walking out", True),
        ("down by the railway line. wanna walk out onto the tracks", True),
        ("at the level crossing thinking about stepping in front of the next one", True),
        # "Tonight is my last night" as a goodbye, or beside a knife or a rope at hand.
        (
            "Guten Abend, ich arbeite in einer Notschlafstelle in Graz. Ein Bewohner hat gerade"
            " gesagt, dass heute sein letzter Abend ist, und er hat ein Messer bei sich. Was"
            " sollen wir tun?",
            True,
        ),
        ("heute ist meine letzte Nacht", True),
        ("er sagt heute ist sein letzter tag und hat ein messer dabei", True),
        ("tonights my last night. love you all", True),
        ("got a rope, today is my last day", True),
        ("this is my last night on earth", True),
        ("ce soir c'est ma dernière soirée", True),
        ("vanavond is mijn laatste avond", True),
        ("hoje é a minha última noite", True),
        ("esta noite é a minha última noite, tenho uma faca", True),
        # The same words, harmless.
        ("at the train station, thinking about stepping out for a smoke", False),
        ("i work near the railway, thinking about walking out of my job", False),
        ("tonight is my last night of the holiday", False),
        ("today is my last day at work", False),
        ("heute ist mein letzter Abend im Urlaub", False),
        ("heute ist mein letzter Abend vor der Schicht", False),
        ("heute ist mein letzter Tag im Knast", False),
        ("c'est ma dernière nuit au foyer", False),
        ("dit is mijn laatste nacht in de cel", False),
        ("hoje é a minha última noite em Lisboa", False),
        ("it was his last day alive, I miss him", False),
    ],
)
def test_stepping_out_at_the_tracks_and_a_last_night(text: str, hit: bool) -> None:
    found = detect(text)
    assert (found is not None and found.crisis and not found.topic) is hit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cant get him to come round, he had a bag an hour ago", True),
        ("she collapsed on the bathroom floor and is making a snoring noise", True),
        ("sitting on the railing of the bridge, done", True),
        ("sat in the garage with the engine running", True),
        ("ive put my affairs in order now", True),
        ("i dont intend to see tomorrow", True),
        ("ik heb al mn spullen weggegeven", True),
        ("ela anda mandando mensagem de despedida pra todos", True),
        ("er steht auf der brücke und will springen", True),
        ("cant breathe for laughing at this", False),
        ("ive decided im done with using, for good this time", False),
        ("cant get him round to the clinic today", False),
    ],
)
def test_warning_signs_from_the_sixth_and_seventh_blind_sets(text: str, expected: bool) -> None:
    found = detect(text)
    assert (found is not None and not found.topic) is expected, found
