"""Deterministic overdose and crisis detector.

Every incoming text goes through :func:`detect` before anything else; a hit makes the bot
answer at once with the overdose card and/or the crisis card. So this module is pure
Python, has no I/O, builds its small tables at import time (~0.2 s, a few MB: the phrases
are matched as written, their alternatives never spelled out one by one) and scans a
message in linear time. It is a list of phrases, not a model: every decision can be read
here and tested.

How a message is matched
------------------------
* :func:`normalise` folds case and accents ("Überdosis" -> "uberdosis"), splits on
  anything that is not a letter or digit (emojis and punctuation vanish), glues English
  negations back together ("won't" / "won t" / "wont" -> "wont") and shortens runs of 3+
  equal letters to 2 ("heeelp" -> "heelp"; detect() then also tries them as single letters).
* Each token is looked up exactly in the phrase vocabulary. Only if that fails, and only
  for tokens of 5+ letters, one typo is forgiven (insert, delete, swap two neighbours,
  or change one letter in words of 6+ letters); the first letter must be right, and real
  words that are one typo away from a phrase word (``NO_FUZZ``) are never "corrected".
  Short tokens ("od", "blue", "dood") only ever match exactly.
* A phrase matches when its words appear in order with at most one extra word between
  two of them ("he is not really breathing"), unless that extra word is a negation
  ("lips not blue"). Matches never need the message to be only the phrase.

Phrase syntax (the lists below)
-------------------------------
``a (b|c d|) e``   alternatives, multi-word allowed; an empty one makes the group optional.
``=words``         the words must be adjacent (no extra word), for phrases where an
                   extra word changes the meaning ("end [of] my life", "hang [it] myself").
``!(x|y z) words`` not when "x" is one of the two words just before the phrase, or
                   "y z" comes just before it, in the same clause ("I don't want to die";
                   a comma or full stop ends a clause: "No, I want to die" still matches).
``words !(x|y z)`` not when "x" or "y z" comes right after the phrase
                   ("don't want to live in that hostel").
``a ... b``         "b" anywhere after "a" in the message ("on the bridge by the station,
                   looking down"): for warning signs made of two far-apart parts.
``~words``         a topic word ("overdose", "od", "suicide"): it names the subject but not
                   that someone is in danger now ("my mate died of an od last year"). A
                   message whose only hits are topic words is reported with ``topic=True``
                   (unless it also has an urgent word or shouting); the caller may let a
                   confident reading of the whole message overrule it, and shows the card
                   when nothing does. A hit in a joke ("... jump off a bridge lol") or
                   about a film ("the blue lips on that zombie show") or asked out of
                   curiosity ("just curious", "first aid course") is reported the same
                   way: see JOKES and FICTION.
Phrases are written in plain spelling, with accents and apostrophes; they are
normalised exactly like messages.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = ["LANGUAGES", "Detection", "detect", "normalise"]

LANGUAGES: tuple[str, ...] = ("en", "fr", "de", "nl", "pt")

# --------------------------------------------------------------------------------------
# Shared pieces of phrases
# --------------------------------------------------------------------------------------

# Negations that must not come just before a "wish" phrase ("I don't want to die").
NOT_EN = "!(not|dont|never|didnt|doesnt|wont|wouldnt|cant|cannot)"
NOT_FR = "!(pas|plus|jamais|ne|n)"
NOT_DE = "!(nicht|nie|niemals|kein|keine|keinesfalls)"
NOT_NL = "!(niet|nooit|geen)"
NOT_PT = "!(nao|n|nunca|jamais|nem)"

# Machines and offices "stop responding" too: no card for "the app is not responding".
NOT_PERSON_EN = (
    "!(app|apps|bot|phone|site|website|page|screen|computer|laptop|pc|telegram|whatsapp|"
    "server|system|link|button|program|programme|it|this|that|email|browser|game|device|"
    "tv|network|signal|sim|wifi|council|office|officer|probation|worker|keyworker|gp|"
    "pharmacy|chemist|solicitor|lawyer|housing|service|jobcentre|dwp|bank|number|line|"
    "landlord)"
)
NOT_PERSON_DE = (
    "!(app|handy|programm|telefon|seite|website|computer|pc|laptop|bildschirm|bot|es|das|"
    "system|server|browser|spiel|gerat|telegram|whatsapp|amt|nummer|vermieter)"
)
NOT_PERSON_NL = (
    "!(app|telefoon|mobiel|programma|site|website|computer|pc|laptop|scherm|bot|het|dit|"
    "dat|systeem|server|browser|spel|telegram|whatsapp|gemeente|nummer|verhuurder)"
)

# After "overdose": the idiom and the names of things, not a person in danger.
NOT_OD_AFTER_EN = (
    "!(on chocolate|on sweets|on sugar|on easter|on cake|on coffee|on caffeine|on netflix|"
    "on tv|on telly|on love|on pizza|on christmas|on food|on crisps|on biscuits|on games|"
    "reversal|reversing|kit|kits|training|course|prevention|awareness|spray|nasal|"
    "medicine|medication|antidote|signs|risk|risks|deaths|stats|statistics|figures|day|"
    "on naloxone|on the naloxone|on narcan|on the narcan|on nyxoid|on the spray|"
    "of chocolate|of sweets|of sugar|of tv|of telly|of netflix|of films|of movies|of action|"
    "of explosions|of football|of footy|of work|of homework|of love|of coffee|of series|"
    "de series|de serie|de films|de film|de chocolat|de sucre|de boulot|de travail|de tele|"
    "de netflix|de foot|de jeux|de taf|de cours|de musique|de bouffe|de reseaux)"
)

# Before a word for overdose: a calm question about someone in general, or the names of
# things ("anti-overdose spray", "tegen overdosis"), not a person in danger now.
NOT_OD_BEFORE = (
    "!(if someone|if somebody|when someone|when somebody|if anyone|for someone|"
    "wasnt actually|werent actually|isnt actually|arent actually|not actually|not really|"
    "anti|against|preventing|prevent|si quelqu'un|quand quelqu'un|contre|"
    "wenn jemand|falls jemand|gegen|als iemand|wanneer iemand|tegen|"
    "se alguém|quando alguém|contra|spray para|nasal para)"
)

# --------------------------------------------------------------------------------------
# Overdose: someone is in danger right now (opioid overdose signs and the words for it)
# --------------------------------------------------------------------------------------

OVERDOSE: dict[str, tuple[str, ...]] = {
    "en": (
        "(not|isn't|wasn't|ain't|stopped|quit|barely|hardly|no longer) breathing !(down)",
        "(not|isn't|wasn't|barely|hardly) (breathin|breathing properly)",
        "(don't|do not) think (he's|she's|they're|he is|she is|they are|hes|shes|theyre) breathing",
        "think (he's|she's|they're|he is|she is|they are|hes|shes|theyre) (dead|dying)"
        " !(set|tired|serious|right|wrong|drunk|beat|broke|bored|of)",
        "(can't|cannot|can not|couldn't|could not|unable to) (breathe|breath)"
        " !(for laughing|from laughing|laughing|im laughing|i was laughing|with laughter)",
        "no (pulse|heartbeat|breathing) !(exercise|exercises|test)",
        "blue lips",
        "(lips|face|fingertips|fingers|nails) (|are|is|look|looking|going|turning|gone|went) blue"
        " !(from|cos|because|lol|haha|with|in the)",
        "!(light|lights|screen|sky|water|it|everything)"
        " =(turning|going|gone|went|turned|goin) blue",
        "(won't|will not|doesn't|does not|didn't|did not) wake"
        " !(me|you|us|him|her|them|the|my|your|our|early|before|till|until)",
        "(can't|cannot|can not|couldn't|could not|unable to) wake"
        " (him|her|them|em|my|mate|friend|anyone|somebody|someone)",
        "!(i|we) (can't|cannot|can not|couldn't|could not) wake up"
        " !(early|before|till|until|at|in the|on time)",
        "(can't|cannot|couldn't) get (him|her|them|em) to wake",
        "!(i|i'm|im|i am|we|we're|were) (not|isn't|wasn't|ain't) (waking|wakin) up",
        "unconscious",
        f"{NOT_PERSON_EN} unresponsive",
        f"{NOT_PERSON_EN} (not|isn't|wasn't|ain't|stopped) (responding|reacting)"
        " !(to my|to your|to messages|to texts|to calls|to emails|to email)",
        f"{NOT_PERSON_EN} (won't|doesn't|will not|does not) (respond|react)"
        " !(to my|to your|to messages|to texts|to calls|to emails|to email)",
        "!(vein|veins|lung|deal|plan|plans|tent|roof|ceiling|house|building|bridge|market|"
        "economy|it|business|case|trial|talks|wall|script|scheme|job) collapsed !(vein|veins|lung)",
        "(gurgling|death rattle)",
        # Gone down after using: "went down after a bag", "dropped after his dig".
        "(went|gone|goes|going|dropped|keeled|fell|flaked|passed|conked|slumped)"
        " (|down|over|out|under|off|quiet|floppy) after (|a|the|that|his|her|my|their|some|this)"
        " (bag|hit|shot|dig|line|pipe|toot|fix|gear|smoke|bit|brown|score|blast|dose|"
        "injection|needle|jab|spliff|pill|pills|tab|tabs|tablets|using|injecting|shooting up"
        "|he used|she used|they used)",
        # Someone in front of the writer: limp, not moving, no answer, the colour, the sound.
        "(he's|she's|hes|shes|he is|she is|they're|theyre|he|she|someone|someones|somebody|guy"
        "|lad|bloke|man|woman|girl|son|daughter|brother|sister|partner|boyfriend|girlfriend|fella"
        "|mate|friend|dad|mum|husband|wife) (not|isn't|isnt|wasn't|wasnt|aint|stopped) moving"
        " !(out|in|house|flat|home|on|away|forward|back|to|into|over|anywhere|yet|fast|quick)",
        "(gone|going|goes|went|is|all|proper) floppy",
        "(lips|mouth|fingernails|nails|fingers|fingertips) (are |is |r |)(going |gone |turning"
        " |)(purple|lilac|a funny colour|a weird colour|a strange colour|funny colour)",
        "(blue|grey|gray|purple) (round|around) the (mouth|lips)",
        "=(hes|he's|shes|she's|he is|she is) (going|gone|turning|turned) (blue|grey|gray)",
        "=(hes|he's|shes|she's) blue !(about|over|today|lately|since|because|cos|and sad|mate)",
        "(can't|cant|cannot|couldn't|could not|unable to) rouse",
        "(cant|can't|cannot|couldn't) get (him|her|them) to (answer|respond|open (his|her|their)"
        " eyes)",
        "(shaking|shakin|shook|pinched|pinching|slapped|slapping|rubbed|rubbing|shouting at"
        "|shouted at) (him|her|them|his chest|her chest) ... (nothing|nothin|no response"
        "|no reaction|not waking|wont wake|won't wake|doesnt wake|doesn't wake)",
        "(rattling|rattle|gurgling) (noise|noises|sound|sounds)",
        "cold and clammy",
        "eyes (rolled|rolling|rolled right) back",
        "(barely|hardly) (moving|conscious|responding)"
        " !(queue|traffic|line|bus|train|car|cars|clock|time|forward|along|on)",
        "(taking|takes|taking like|only taking) (one|a) breath every",
        "!(i'm|im|i am|i) (breathing|breathin) (is |)(really |very |so |)(slow|slowly|shallow)"
        " !(to|in|out|deep|deeply|and deep|through)",
        "needle (still |)in (his|her|their|the) (arm|leg|neck|groin|hand)",
        "=(hes|he's|shes|she's|he is|she is|they're|theyre) (fitting|seizing|having a fit"
        "|having a seizure|convulsing)",
        "(did|done|took|taken|had|used|use|tooken|took way) (too much|way too much|to much"
        "|my old amount|my old dose|what i used to|the same as before|the same as inside) ..."
        " (going under|going dark|eyes open|chest|nodding|fading|slipping away|pass out"
        "|passing out|spinning|cant breathe|can't breathe|so heavy|really heavy)",
        "(gone over|went over|collapsed|on the floor|on the ground|slumped|unconscious) ..."
        " (not moving|not breathing|wont wake|won't wake|not waking|blue|grey|gray)",
        "!(till|until|til|untill) =(hes|he's|shes|she's|he is|she is|he was|she was|they're"
        "|theyre|all|gone|going|turned"
        "|turning|looks|look|looking|went) (grey|gray|blue) in the face",
        "(barely|hardly|no) (any |)air (going in|getting in|coming out)",
        "=nodding (really |so |proper |)(hard|heavy|bad|out bad)",
        "(used|using|gear|hit|dig|bag|pipe|shot|smoked|injected|done a bit|just done) ... chest"
        " (feels |is |going |)(heavy|tight)",
        "overdoes (help|quick|pls|please|asap)",
        "(help|quick|pls) overdoes",
        "slumped ... (snoring|snorin|not answering|wont answer|won't answer|grey|gray|blue"
        "|rattling|gurgling|not breathing)",
        "(hes|he's|shes|she's|he is|she is|still) not waking",
        "(froth|frothing|foam|foaming) (at|from|round|around) (his|her|the|their) (mouth|lips)",
        "!(goes|go|if|when) (cold|limp|grey|gray|blue) (and|n|an) floppy",
        "=(hes|shes|he's|she's|he is|she is) (all |)floppy",
        "(not|no|isnt|isn't) (breathing|breathin) (right|properly|normal|normally)",
        "sternum rub",
        "(too much|to much|overdid it|overdone it|way too much) ... (feel like im going"
        "|feel like i'm going"
        "|slipping|going under|goin under|fading|cant keep my eyes open|can't keep my eyes open)",
        "(breathing|breathin|breath) (feels|is|sounds) (wrong|weird|funny|strange)",
        "(slid|slumped|collapsed|keeled over|dropped|flopped) ... after (smoking|using|injecting"
        "|shooting up|his hit|her hit|a hit|the hit|a dig|a bag|the pipe)",
        "(chest heavy|chest is heavy|cant keep my eyes open|can't keep my eyes open|going under"
        "|cant breathe|can't breathe|fading out|slipping away|feel like im going|feel like i'm"
        " going) ... (too much|to much|too many|way too many|my old amount|my old dose)",
        "!(hair|hairs|s|sky|weather|it|everything|beard|light|screen|im|i'm|i am|am)"
        " =(turning|going|gone|went|turned|goin) (grey|gray)",
        # Naloxone asked for this minute, someone going under.
        "(need|get|bring|give|grab|wheres|where's|where is|got any) (narcan|naloxone|nyxoid"
        "|prenoxad|the spray|the kit|naloxon) (now|quick|quickly|asap|fast|urgently|right now"
        "|rn) !(that|im|i'm|i am|i've|ive|theyre|they're|you|were|we're|ive been|i got)",
        "(pal|mate|friend|he|she|hes|shes|he's|she's|someone|somebody|guy|lad|bloke|partner|bf"
        "|gf|boyfriend|girlfriend|brother|sister|son|daughter|missus|fella) (is |)going under",
        "~od",
        "~oding",
        "~=o d",
        # Not the everyday idiom ("overdosed on chocolate"), not the names of things
        # ("overdose reversal spray", "overdose training"). The same strings as in the
        # other languages' lists, so the language of a bare "overdose" is guessed from context.
        f"~{NOT_OD_BEFORE} overdose {NOT_OD_AFTER_EN}",
        f"~{NOT_OD_BEFORE} overdosed {NOT_OD_AFTER_EN}",
        f"~{NOT_OD_BEFORE} overdosing {NOT_OD_AFTER_EN}",
        # Its own word, so it is never read as a typo for "overdoes" ("overdoes happening").
        f"~{NOT_OD_BEFORE} overdoses {NOT_OD_AFTER_EN}",
        f"~=over (dose|dosed|dosing) {NOT_OD_AFTER_EN}",
        "(he|she|they|i|we|he's|she's|i've|we've|they've|someone|somebody|mate|friend)"
        " (took|taken) (too much|way too much|to much) !(time|money|effort|stress|credit|data)",
        "(feel|feeling|can feel) (myself|meself) (fading|slipping|going) (out|away|under)",
        "(took|taken|had|done) (too much|way too much) (and|an|n|)"
        " (feel|feeling|feels|is|he's|she's)"
        " (weird|strange|funny|wrong|bad|odd|rough|dizzy|sleepy|gone)",
        # The signs in the overdose card: pinned pupils, a grey or blue face.
        "(tiny|pinned|pinpoint|pin point|pinprick) pupils",
        "=(pinned|pinpoint) eyes",
        "pupils (are |)(tiny|pinned|pinpoint|like pins)",
        "(face|lips|skin|fingers|fingertips)"
        " (gone|going|turned|turning|is|are|all) (grey|gray|blue)"
        " !(from|cos|because|lol|haha|with|in the|of the)",
        "(grey|gray) (face|lips|skin)",
        "(not|isnt|wont|aint|still not) (coming|come) (round|around)"
        " !(to|for|at|later|tonight|tomorrow|today|here|there|again|anymore|ever|my|yours|his|"
        "hers|ours|theirs|the|a|and|with|on|this|next|after|before|till|until)",
        # Someone in front of the writer now: barely breathing, head gone, choking sounds.
        "(breathing|breathin) but (barely|hardly|only just|not much|very slow|really slow)"
        " !(keeping|surviving|getting|managing|coping|holding|making|scraping)",
        "(like|only|just|maybe|about|barely) one breath every",
        "head (dropped|flopped|lolled|lolling|slumped|dropping|flopping|rolled) ... (wont answer"
        "|won't answer|not answering|isnt answering|doesnt answer|wont wake|won't wake|not waking"
        "|not responding|wont respond|won't respond|no response|not breathing)",
        "(went|gone|keeled|slumped|flopped) over in (his|her|their|the|a) (chair|seat|wheelchair)"
        " !(laughing|lol|haha)",
        "(hes|shes|he's|she's|he is|she is) out cold ... (choking|gurgling|rattling"
        "|not breathing|wont wake|won't wake|breathing funny|blue|grey|gray)",
        "sounds like (hes|shes|he's|she's|he is|she is|theyre|they're) (choking|drowning|gargling)"
        " !(in|on|with|laughing|lol)",
        # Going under again after naloxone wore off: said as happening, not asked about.
        "!(if|when|does|can|will) (spray|naloxone|narcan|nyxoid|prenoxad|naloxon) ... (nodding"
        " off again|nodding again|going under again|gone under again|drifting off again"
        "|slipping away again|going over again|gone over again|dropping off again|fading again"
        "|gone floppy again|going floppy again|not breathing again|going blue again)",
        # Said by the one who used: wrong after the hit, eyes closing, numb. Pills on top of
        # the gear, someone barely there, the breathing gone funny, "overdoes" for overdose.
        "(feel|feeling|feels) (really |so |very |proper |)(wrong|weird|funny|strange|off|odd)"
        " after (that|my|this|his|her|the last) (last |)(hit|shot|dig|bag|line|pipe|fix|dose"
        "|toot|blast)",
        "(after|since) (that|the|my|this|his|her) (last |)(hit|shot|dig|bag|line|pipe|fix|dose"
        "|toot|blast) ... (cant|can't|cannot|can not) (keep my eyes open|keep his eyes open"
        "|keep her eyes open|feel my|stay awake|move my)",
        "(slipping away|fading out|fading away|drifting off|going under|struggling to breathe"
        "|struggling to breath) ... (after|since) (that|my|this|his|her|the last) (last |)(hit"
        "|shot|dig|bag|line|pipe|fix|dose|toot|blast)",
        "(struggling|hard|cant|can't) to (breathe|breath) (after|since) (that|my|this|his|her"
        "|the last) (last |)(hit|shot|dig|bag|line|pipe|fix|dose|toot|blast)",
        "(cant|can't|cannot|couldnt|couldn't) (feel|find|get) (a|his|her|their|any) pulse",
        "(took|taken|done|used|had) (way |much |loads |a lot |)more than (usual|normal"
        "|i usually do|i normally do|my usual) ... (cant feel|can't feel|cant breathe|can't"
        " breathe|so scared|chest|going under|fading|slipping)",
        "(cant feel|can't feel|cant breathe|can't breathe|going under|fading|slipping) ..."
        " (took|taken|done|used|had) (way |much |loads |a lot |)more than (usual|normal"
        "|i usually do|i normally do|my usual)",
        "(cant|can't|cannot) (keep my eyes open|stay awake) ... (cant|can't|cannot) (feel my"
        "|breathe|breath|move my)",
        "(cant|can't|cannot) (feel my|move my) ... (cant|can't|cannot) (keep my eyes open"
        "|stay awake)",
        "(took|taken|necked|swallowed|had|done|dropped) (a load of|loads of|a lot of|a handful of"
        "|a bunch of|a pile of) (tablets|pills|benzos|vallies|valium|xanax|sleepers|pregabs"
        "|pregabalin|gabapentin|diazepam|etizolam) on top of (the|his|her|their|my) (gear"
        "|methadone|meth|heroin|brown|smack|fent|bupe|subs|drink|booze)",
        "(hes|shes|he's|she's|he is|she is|theyre|they're|they are) (barely|hardly|only just)"
        " (there|with it|with us|conscious|awake|alive) !(anymore|any more|these days|lately|at"
        "|most|half|when|since|now|nowadays|for|in)",
        "(breathing|breathin|breath) (s |is |has |)(gone|going|went|turned|got) (funny|weird"
        "|wrong|strange|odd|shallow|noisy|rattly|slow) !(since|for|when|after|at night|lately"
        "|recently|every|in the|with my|from)",
        "=overdoes (happening|happenin|going on|in progress|right now|now|rn) !(and then|and"
        " again|on)",
        "=(an|having an|had an|having a) overdoes",
        # From the sixth and seventh blind sets of December 2026.
        "(cant|can't|cannot|couldnt|couldn't|can not) (get|bring) (her|him|them) (to come round"
        "|round|to come to) !(to|for|on|about|tomorrow|later)",
        "(passed out|collapsed|spark out) on the (floor|kitchen floor|bathroom floor|toilet floor)"
        " ... (noises|noise|snoring|gurgling|choking)",
        # From the eighth blind set of December 2026.
        "(chest|chests) (barely|hardly|not|isnt|is not|aint|only just) (going up|moving|rising"
        "|going up and down)",
        # From the ninth blind set of December 2026: naloxone given and still nothing.
        "(gave|given|give|done|sprayed|squirted) (the spray|the naloxone|the narcan|the nyxoid"
        "|naloxone|narcan|nyxoid|the kit) ... still (nothing|no response|no reaction|not waking"
        "|not breathing|not moving|blue|out)",
        # From the tenth blind set of December 2026: afraid to call, and someone is blue now.
        "(ambulance|ambulence|999|paramedics|ambo) ... (is|s|looks|gone|going|turned|turning)"
        " (blue|grey|gray|purple) !(and white|and red|team|shirt|kit)",
    ),
    "fr": (
        "(ne |n'|)respire (plus|pas|presque plus|à peine)"
        " !(fort|vite|lentement|facilement|calmement|profondément|doucement|mieux|normalement)",
        "(arrête|arrêté) de respirer",
        "!(rire|ri|mdr|ptdr|lol) (peut|peux|arrive|arrives|arrivait|parvient) (plus|pas)"
        " (à |)respirer !(de rire|tellement je riais|tellement on riait|mdr|ptdr)",
        "lèvres (bleues|bleus|bleu|violettes) !(tellement|à cause|de froid|du froid|avec le froid"
        "|il caille|mdr|lol|ptdr)",
        "lèvres (sont|deviennent|virent|toutes|devenues) (bleues|bleu|violettes) !(tellement"
        "|à cause|de froid|du froid|avec le froid|il caille|mdr|lol|ptdr)",
        "(devient|devenu|devenue|vire|viré|virer) (bleu|bleue|violet)",
        "(devient|devenu|devenue|est) tout (bleu|bleue)",
        "(ne |)se (réveille|reveil|réveil) (pas|plus) !(avant|tôt|tard|le matin|la nuit|à|a|au|en)",
        "(arrive|arrivons|réussis|parviens) (pas|plus) à (le|la|les|l') réveiller",
        "inconscient",
        "inconsciente",
        "(sans|perdu|perd) connaissance",
        f"~{NOT_OD_BEFORE} surdose",
        "~surdosé",
        f"~{NOT_OD_BEFORE} overdose {NOT_OD_AFTER_EN}",
        f"~{NOT_OD_BEFORE} overdosé {NOT_OD_AFTER_EN}",
        "~od",
        "(ne |n'|)réagit (pas|plus|à rien)",
        "(besoin|faut) (de |du |d'|)(naloxone|nyxoid|prenoxad|narcan) (vite|maintenant|tout de"
        " suite|urgent|là|svp vite)",
        "(vite|urgent) (la |de la |du |)(naloxone|nyxoid|prenoxad|narcan)",
        "(affalé|affalée|effondré|effondrée|écroulé|écroulée|allongé|allongée) ... (ne |n'|)"
        "(répond|bouge|réagit) (pas|plus|à rien)",
        "(fait|faisait) des bruits de gorge",
        "(il|elle) (ne |)(bouge|réagit|répond) (plus|toujours pas|pas du tout|plus du tout)"
        " !(de|du|d'|à|au|aux|avec|sur|depuis)",
        "(tombé|tombée|par terre|affalé|affalée) ... (bouge|répond|réagit) (plus|pas)"
        " !(de|du|à|au|aux|avec|sur|depuis)",
        "gargouillis",
        "(il|elle) gargouille",
        "ronfle (bizarre|bizarrement|comme jamais)",
        "(jarrive|j'arrive|arrive) (pas|plus) (à|a) (la|le|les|l') (réveiller|reveiller)",
        "(je|j) (le|la|les) (réveille|reveille) (pas|plus)",
        "je (sens|me sens) (que je pars|partir)",
        "jai (pris trop|trop pris|pris beaucoup trop)"
        " !(de temps|de retard|de café|à manger|de bouffe|de sucre|cher)",
        "jai trop (tapé|consommé|pécho|fumé|shooté)",
        "(en |)(ai|a|as|avons|ont) (pris|prit|pri) (trop|beaucoup trop)",
        "(ai|a|as|avons|ont) trop (pris|consommé|tapé)",
        "pupilles (toutes petites|minuscules|en tête d'épingle|en tete d'epingle)",
        "(visage|lèvres|peau) (tout |toute |)(gris|grise|grises)",
        "(tombé|tombée|effondré|effondrée|écroulé|écroulée|parti|partie) (juste |)après"
        " (sa|son|le|la|un|une|leur) (dose|shoot|taz|trait|fix|injection|came|pipe|cachets)",
        # Limp and choking; going under again after naloxone ("il repart").
        "comme (s'il|si elle|s'ils) (s'étouffait|s'étouffe|étouffait|se noyait)",
        "est (tout mou|toute molle) ... (bruit|blanc|blanche|gris|grise|bleu|bleue|respire mal"
        "|respire plus|respire pas|réagit pas|réagit plus|répond pas|répond plus|étouffe"
        "|étouffait)",
        "=(nyxoid|naloxone|narcan|spray|prenoxad) ... (il|elle) (repart|retombe|replonge|resombre)",
        # A fit or foam at the mouth, after using.
        "(il|elle) (convulse|convulsait|convulsionne|fait des convulsions|a des convulsions"
        "|fait une convulsion|est en train de convulser|fait une crise d'épilepsie)",
        "(convulse|convulsions|spasmes|secousses) ... (depuis|après) (son|sa|le|la|un|une|leur"
        "|ce|cette) (fix|shoot|dose|injection|taz|trait|pipe|prise)",
        "(écume|mousse|bave) (aux lèvres|à la bouche|de la bouche|sur la bouche)",
        # Naloxone given and still nothing.
        "(mis|donné|donne|fait|mettre|injecté|pulvérisé) (le|la|du|de la|un) (spray|naloxone"
        "|narcan|nyxoid|prenoxad) ... (toujours rien|toujours pas de réaction|se réveille"
        " toujours pas|réagit toujours pas)",
    ),
    "de": (
        "atmet (nicht|kaum|nicht richtig)",
        "keine atmung",
        "(aufgehört|hört auf|hort auf) zu atmen",
        "(kann|konnte) nicht atmen",
        "(kriegt|bekommt) keine luft",
        "(blaue|blau) lippen",
        "lippen (|sind|werden|ganz) blau !(vor|von|wegen|haha|lol|vom)",
        "(wird|läuft|lief) blau (an|)",
        "blau angelaufen",
        "wacht nicht auf",
        "wird nicht (mehr |)wach",
        "(kriege|kriegen|krieg|bekomme|bekommen) (ihn|sie) nicht wach",
        "nicht wach zu (kriegen|bekommen)",
        "bewusstlos",
        "nicht (mehr |)ansprechbar",
        f"~{NOT_OD_BEFORE} überdosis",
        f"~{NOT_OD_BEFORE} überdosiert",
        "~überdosierung",
        "~od",
        f"{NOT_PERSON_DE} reagiert (nicht|auf nichts|kaum|auf nix|gar nicht|überhaupt nicht)",
        "reagiert (immer noch|noch immer|noch) nicht",
        "(er|sie) (wird|ist) (wieder |ganz |schon |)grau",
        "(wird|ist) (er|sie) (wieder |ganz |schon |)grau",
        "(sackt|sackte) (weg|zusammen)",
        "(er|sie) (sackt|sackte|kippt|kippte) (weg|zusammen|um)",
        "(naloxon|nyxoid|narcan) (sofort|jetzt sofort|schnell|dringend|jetzt schnell)",
        "(sofort|schnell|dringend) (naloxon|nyxoid|narcan)",
        "(lila|violette|violett) lippen",
        "lippen (|sind|werden|ganz) (lila|violett)",
        "pupillen (sind |)(winzig|ganz klein|stecknadelklein|mini)",
        "atmet (ganz |sehr |so |voll |)(langsam|komisch|flach|seltsam|röchelnd)",
        "zuviel (genommen|erwischt|gedrückt|geballert)",
        "(kipp|kippe|kip|klapp) gleich (weg|um) !(vor lachen|vor müdigkeit|vom lachen)",
        "zusammengebrochen",
        "!(vene|venen|lunge|system|server|markt) kollabiert",
        "röchelt",
        "(umgekippt|zusammengeklappt|weggekippt|weggetreten) (gleich |)nach"
        " (dem|einem|nem|seinem|ihrem) (schuss|druck|zug|blech|hit|spritze|pillen)",
        "zu viel (genommen|erwischt|gedrückt|geballert)",
        "(stecknadelkopf|winzige|stecknadel) pupillen",
        "(gesicht|lippen|haut) (ist |sind |wird |ganz |)grau",
        # Dialect ("i kriag ihn ned wach"), and lying there not moving.
        "(kriag|krieg|kriege|kriegen|bekomm|bekomme|bekommen) (ihn|sie|eam|ean|en) (ned|net"
        "|nimmer|nich) (mehr |)wach",
        "(liegt|lag|liegen) ... (rührt|regt|bewegt) (sich|si) (ned|nicht|nimmer|net|nich"
        "|gar nicht|nicht mehr|kaum) !(auf|darüber|drüber|über|mehr auf|um)",
        # A fit or foam at the mouth; collapsed after the shot (Swiss "umkheit").
        "(zuckt|zucken|zuckte|krampft|krampfen|krampfte) (am|auf dem|auf em|uf em|uf"
        " de) (boden|bode|bett|sofa|teppich)",
        "(krampfanfall|krampft|krampfen|zuckungen|zuckt) ... nach (dem|den|em|einem|nem|am"
        "|seinem|ihrem) (schuss|druck|spritze|hit|drücken|ballern|tabletten|pillen|stoff)",
        "nach (dem|em|einem|nem|am|seinem|ihrem) (schuss|druck|spritze|hit|drücken|ballern)"
        " (umgekippt|umkheit|umgheit|umgfalle|umgefallen|zusammengeklappt|weggekippt"
        "|zusammengebrochen|zuckt|krampft|bewusstlos|weggetreten)",
        "(schaum|schäumt) (vor dem|vorm|vor em|aus dem|ausm|am) mund",
        # Naloxone given and still nothing.
        "(spray|nasenspray|naloxon|narcan|nyxoid) ... (gegeben|gesprüht|verabreicht|gemacht"
        "|rein) ... (immer noch nichts|noch immer nichts|immer noch keine reaktion|wacht immer"
        " noch nicht auf|reagiert immer noch nicht)",
    ),
    "nl": (
        "ademt (niet|nauwelijks|bijna niet|amper)",
        "(gestopt|stopt|opgehouden) met ademen",
        "kan niet ademen",
        "(krijgt|kreeg) geen lucht",
        "blauwe lippen",
        "lippen (|zijn|worden|helemaal) blauw !(van|door|haha|lol|omdat)",
        "(wordt|werd|loopt|liep) blauw (aan|)",
        "blauw aangelopen",
        "wordt niet wakker",
        "(krijg|krijgen|krijgt) (hem|haar|ze) niet wakker",
        "niet wakker te krijgen",
        "bewusteloos",
        "niet (meer |)aanspreekbaar",
        "buiten bewustzijn",
        f"~{NOT_OD_BEFORE} overdosis",
        f"~{NOT_OD_BEFORE} overdose {NOT_OD_AFTER_EN}",
        f"~{NOT_OD_BEFORE} overdosed {NOT_OD_AFTER_EN}",
        "~od",
        f"{NOT_PERSON_NL} reageert (niet|nergens op|nergens meer op)",
        "reageert (nog steeds|nog altijd|nog) niet",
        "pupillen (piepklein|heel klein|zo klein|speldenknop)",
        "(ligt|lag) (op de grond|op de vloer) ... (reageert|ademt|wakker|blauw|grijs)",
        "(hij|zij|ze|broer|zus|vriend|vriendin|gast|man|vrouw|zoon|dochter|maat|lief|vader|moeder)"
        " (wordt|werd|is) (helemaal |)(grijs|grauw)",
        "(naloxon|naloxone|nyxoid|narcan) (snel|dringend|nu meteen|meteen|nu nu)",
        "(snel|dringend|meteen) (naloxon|naloxone|nyxoid|narcan)",
        "weggezakt ... (reageert|ademt|wakker|blauw)",
        "(snurkt|snurken) (raar|vreemd|heel hard|zo raar)",
        "ademt (heel |erg |zo |)(langzaam|traag|raar|vreemd)",
        "in elkaar (gezakt|gestort)",
        "zakt in elkaar",
        "reutelt",
        "(gaat|ging|is|valt|viel) (out|weg|van zn stokje|van haar stokje)"
        " na (de|het|die|een) (dope|spuit|shot|bruin|lijn|pijp|heroine|spuiten|gebruiken)",
        "weggezakt na (de|het|die|een|zijn|haar) (dope|spuit|shot|bruin|pijp|spuiten|gebruiken"
        "|gebruik)",
        "te veel (genomen|gebruikt|gespoten|gerookt) !(koffie|eten|suiker|tijd)",
        "(speldenknop|piepkleine|heel kleine) pupillen",
        "(gezicht|lippen|huid) (is |zijn |wordt |helemaal |)grauw",
        # Purple lips; going under again after naloxone.
        "(lippen|gezicht|vingers|nagels|mond) (zijn |is |worden |wordt |helemaal |al |)(paars"
        "|paarsig) !(van|door|haha|lol|omdat|geverfd|gestift)",
        "paarse lippen !(gestift|geverfd|lipstick|van)",
        "(naloxon|naloxone|nyxoid|narcan|spray|neusspray) ... (weer|opnieuw) (weggezakt"
        "|aan het wegzakken|buiten westen|bewusteloos)",
        "=(hij|ze|zij) (zakt|zakte) (weer|opnieuw) weg !(in|naar|uit)",
        # Flemish "ni wakker", strange snoring and gurgling, a fit, foam at the mouth.
        "(krijg|krijgen|krijgt|kreeg) (hem|haar|ze|em) (ni|nie) (meer |)wakker",
        "(ligt|lag) (raar|vreemd|heel raar|zo raar) te (snurken|gorgelen|reutelen)",
        "(ligt|lag|zit) te (gorgelen|reutelen|schokken|stuipen|schuimen) !(van)",
        "(snurkt|snurken|gorgelt|gorgelen|reutelt|reutelen|schokt|schokken) ... na (zijn|haar"
        "|de|het|dat|die|een|z'n|zn) (shot|spuit|dope|spuiten|gebruik|gebruiken|lijn|pijp)",
        "schuim (uit|op|rond|om|aan) (zijn|zn|z'n|haar|de|d'r|der) mond",
        "ogen (weggedraaid|draaien weg|rollen weg)",
        # From the ninth blind set of December 2026: naloxone given and still nothing.
        "(naloxon|naloxone|nyxoid|narcan|spray|neusspray) ... (gegeven|gespoten|toegediend"
        "|gedaan|erin) ... (nog steeds|nog altijd) (niks|niets|geen reactie|niet wakker)",
    ),
    "pt": (
        "(não|n) respira",
        "(não|n) (está|tá|estava|tava) (a respirar|respirando)",
        "(não|n) (consegue|consigo) respirar",
        "(parou|deixou) de respirar",
        "mal (respira|respirando)",
        "lábios (azuis|roxos|azul|roxo) !(do|de|com o|por causa|kkk|haha|lol)",
        "lábios (estão|ficaram|ficando|a ficar) (azuis|roxos) !(do|de|com o|por causa|kkk|haha"
        "|lol)",
        "(boca|cara) roxa",
        "(tomei|tomou|tomaste|tomaram|usei|usou|meti|meteu) (demais|de mais|demasiado|muito mais)"
        " !(café|comida|cerveja|vinho|sol|chá|doce|doces|açúcar|cafeína|tempo)",
        "pupilas (muito pequenas|minúsculas|pequeninas|tipo alfinete)",
        "(cara|lábios|pele) (está |estão |ficou |ficaram |toda |)(cinzenta|cinzentos|cinza)",
        "!(parede|paredes|tinta|céu|camisola|camisa|quarto|cabelo|tela|ecrã|carro|água|mar|porta)"
        " (ficou|ficando|ficar) azul",
        "(não|n) acorda !(cedo|tarde|antes|até|a tempo|de manhã|com)",
        "(não|n) (consigo|consegue|conseguimos) (acordar|acordá-lo|acordá-la)",
        "inconsciente",
        "desacordado",
        "desacordada",
        f"~{NOT_OD_BEFORE} overdose {NOT_OD_AFTER_EN}",
        f"~{NOT_OD_BEFORE} sobredose",
        "~sobredosagem",
        "~overdosou",
        "~od",
        "(não|n) (reage|está a reagir|tá reagindo|está reagindo)",
        "(caiu|apagou|desmaiou|tombou) (logo |)depois (do|da|de um|de uma|dum|duma)"
        " (chuto|pico|dose|injeção|caneco|cavalo|heroína|comprimidos|linha|bocado|fentanil"
        "|fenta|pedra|droga)",
        "(caiu|apagou|desmaiou|tombou) (logo |)depois de (usar|se picar|fumar|injetar|consumir)",
        "(continua|tá|está|ficou) sem (reagir|responder|respirar)",
        "(gorgolejar|gorgolejo|gorgoleja|a gorgolejar)",
        "(ressonar|ressona|a ressonar|roncando|ronca) (esquisito|estranho|esquisita)",
        "(cinzento|cinzenta|cinza|roxo|roxa) e (não|n) (responde|reage|acorda|respira)",
        "(filho|filha|ele|ela|amigo|amiga|namorado|namorada|irmão|irmã|marido|mulher) (está|tá"
        "|ficou|ficando) (todo |toda |)(cinzento|cinzenta|roxo|roxa)",
        "(preciso de|preciso da|traz|tragam|dá-me|dêem-me|arranja|arranjem|cadê|onde está)"
        " (a |)(naloxona|nyxoid|narcan) (já|agora|rápido|urgente|depressa|rapido)",
        "(rápido|urgente|depressa) (a |)(naloxona|nyxoid|narcan)",
        "(respirando|respira|a respirar) (muito |)(devagar|devagarinho|mal)",
        "barulho (estranho |esquisito |)(a respirar|ao respirar)",
        "(gelado|gelada) e (não|n) (responde|reage|acorda)",
        # Passed out after using, the sound; going under again after naloxone.
        "desmaiou ... depois de (usar|se picar|fumar|injetar|consumir|se injetar|cheirar)",
        "(barulho|som|ruído) (tipo|de|como|como um|parecido com) (gargarejo|gorgolejo)",
        "(naloxona|spray|narcan|nyxoid) ... (voltou a (apagar|desmaiar|ficar roxo|ficar roxa)"
        "|apagou (outra vez|de novo|novamente))",
        # Overdid the dose and going dark, fell after using, pinned pupils, a fit, foam.
        "(exagerei|exagerou|exageraste|exagerámos|exageraram) (na|com a) (dose|droga|heroína"
        "|cena|pedra|dosagem) !(de café|de cafe|de açúcar|de doces|de treino|ontem)",
        "(exagerei|exagerou|dose|chuto|pico|tomei demais|usei demais) ... peito (a fechar"
        "|fechando|pesado|a apertar|apertando)",
        "(estou|tou|to|tô) (a apagar|apagando|a desmaiar|desmaiando) !(as|os|a|o|uma|um|tudo"
        "|isto|isso|mensagens|fotos|luz|luzes|cigarro|o cigarro|e a acender)",
        "(caiu|apagou|tombou|capotou) (no|na|em|pro) (chão|chao|banheiro|sofá|sala|quarto|cama"
        "|casa de banho|wc|rua) depois de (usar|se picar|fumar|injetar|consumir|se injetar"
        "|cheirar|se chutar|chutar)",
        "(pupila|pupilas) (que nem|tipo|como|feito|igual|de) (ponta de |cabeça de |)(alfinete"
        "|agulha)",
        "(a tremer|tremendo|a convulsionar|convulsionando|convulsões|convulsão) ... depois (do"
        "|da|dum|duma) (chuto|pico|dose|injeção|caneco)",
        "(está|esta|tá|ta) (a convulsionar|convulsionando|tendo convulsões|tendo uma convulsão)",
        "(sai|saindo|a sair|deita|deitando|a deitar|com) espuma (da|pela|na) boca",
        # From the sixth and seventh blind sets of December 2026.
        "(nao|n) consigo (ficar de olho aberto|ficar com os olhos abertos|abrir os olhos)",
        "(meu|o meu) corpo (indo|a ir|vai) embora",
        # Naloxone given and still nothing.
        "(dei|apliquei|usei|pus|meti|dado|aplicado) (o|a|lhe o|lhe a|-lhe o) (spray|naloxona"
        "|narcan|nyxoid) ... (e nada|ainda nada|continua sem reagir|não reage|nao reage"
        "|não acorda|nao acorda|continua azul)",
        # From the tenth blind set of December 2026: afraid to call, and someone collapsed now.
        "(samu|192|112|ambulância|ambulancia|inem) ... (desmaiou|apagou|não acorda|nao acorda"
        "|tá gelada|ta gelada|tá gelado|ta gelado|está gelada|esta gelada|está gelado"
        "|esta gelado|tá roxa|ta roxa|tá roxo|ta roxo|tá azul|ta azul)",
    ),
}

# --------------------------------------------------------------------------------------
# Crisis: suicidal intent or self-harm, said by the person writing
# --------------------------------------------------------------------------------------

# "Tonight is my last night" as a goodbye, not "... of the holiday", "... at work",
# "... before my shift", "... inside", "... as a free man": what may not come right after.
LAST_NIGHT_NOT_EN = (
    "!(in|at|of|on|here|there|inside|outside|before|b4|with|wiv|w|as|home|out|off|away|abroad"
    "|working|at work|shift|shifts|for|together|staying|sober|clean|using|free|to|till|til"
    "|until|doing|sleeping|camping|drinking|partying|alone|and then|then|back|over|without"
    "|round|around|by|near|in the|of the|of freedom)"
)
LAST_NIGHT_NOT_FR = (
    "!(ici|à|a|au|aux|en|chez|avec|de|du|des|d|avant|dans|sur|là|la|libre|pour|dehors"
    "|dedans|seul|seule|tranquille|entre|sans|ensemble|loin|hors|et demain|parce|car"
    "|au boulot|au taf|au travail|de boulot|de travail|de vacances)"
)
LAST_NIGHT_NOT_DE = (
    "!(im|in|bei|beim|vor|auf|an|am|aus|als|mit|ohne|zu|zum|zur|für|nach|bis|von|vom|unter"
    "|hier|da|dort|draußen|drinnen|zuhause|zu hause|daheim|arbeiten|clean|nüchtern|frei"
    "|allein|alleine|des|der|dieses|diese|diesen|denn|weil|und morgen|urlaub|in freiheit)"
)
LAST_NIGHT_NOT_NL = (
    "!(in|op|bij|hier|thuis|met|van|voor|als|aan|vrij|buiten|binnen|zonder|daar|weg|uit"
    "|samen|alleen|werken|vakantie|clean|nuchter|want|omdat|tot|na|en morgen|in de|in het)"
)
LAST_NIGHT_NOT_PT = (
    "!(em|no|na|nos|nas|aqui|cá|lá|ali|de|do|da|dos|das|com|antes|fora|livre|sem|para|pra"
    "|sozinho|sozinha|juntos|juntas|porque|pois|até|e amanhã|a trabalhar|a dormir|em casa"
    "|de férias|no trabalho)"
)
# Not a story or a saying: "it was his last day alive", "live like it's your last night".
LAST_DAY_NOT_BEFORE = (
    "!(was|spent|like its|like it s|like it was|as if|as if it was|war|verbracht|wie|als ob"
    "|wäre|était|etait|comme si|passé|alsof|als|foi|era|como se|passou|passei)"
)

CRISIS: dict[str, tuple[str, ...]] = {
    "en": (
        "(kill|killing|killin|kil) (myself|meself|my self) !(laughing)",
        "=(end|ending) it all",
        "=(end|ending) my (own |)life",
        "(wont|dont|will not|wouldnt) need (it|them|any of it|any of this|anything|my stuff"
        "|my things) where (im|i am|iam) (going|goin|off to|headed|heading)",
        "(take|taking) my (own |)life !(back)",
        "~suicide",
        f"{NOT_EN} suicidal",  # "I'm not suicidal, just tired"
        f"{NOT_EN} (want|wanna|wana|ready|going) to die",
        f"{NOT_EN} wanna die",
        f"{NOT_EN} (want|wanna) to be dead",
        "wish i (was|were) dead",
        "(won't|wont|will not) be (a problem|a burden) (much longer|for long|anymore|any more)",
        "(looking up|looked up|googling|googled|researching) (ways|how) to (die|end it|kill)",
        "(stood|standing|sat|sitting) on (the|a) (bridge|roof|ledge|edge|cliff) ... looking down",
        "no (reason|point) (to keep going|to carry on|to go on|in going on|in carrying on)",
        "(stood|standing|sat|sitting) on (the|a) (ledge|railing|railings|tracks|cliff edge)",
        "(already |)(worked out|figured out|planned|know) how (im|i'm|i am|ill|i'll)"
        " (going to |gonna |)do it",
        "already (worked out|figured out|planned) how"
        " !(to get|to use|to make|to fill|to apply|to pay)",
        "(he's|she's|hes|shes|he is|she is|they're|theyre) (going to|gonna|about to) end it"
        " !(with|between|for)",
        "wish (i|id|i'd|i had) (had |)(died|never woken up|never woke up)"
        " !(laughing|of embarrassment|of shame)",
        "(don't|do not|dont) (want to|wanna) wake up"
        " !(early|before|at|for|in the|on|this|tomorrow morning|till|until)",
        "(don't|do not) (want to|wanna) (live|be alive)"
        " !(in|with|there|here|at|near|on|by|alone|together|round|around|back)",
        "(don't|do not) (want to|wanna) be here (anymore|any more|no more)",
        "better off dead",
        "(rather|sooner) be dead !(tired|beat|on my feet|broke|bored)",
        "no (reason|point) (to live|in living|living)",
        "(what's|whats|what is|wats) the point (in|of) (living|life|being alive|going on)",
        "(gonna|going to|gunna|want to|wanna|will) end it (tonight|all|today|now|for good)",
        "end it all",
        "nothing (left |)to live for",
        "=(hang|hanging) (myself|meself|my self)",
        "(jump|jumping) (off|from) (a|the) (bridge|building|roof|cliff|balcony)",
        "(jump|throw myself) in front of (a|the) (train|bus|car|lorry|truck|tube)",
        "=(cut|cutting) (myself|meself|my self) !(shaving|on|by accident|accidentally|while)",
        "(slit|slitting|cut|cutting) my (wrists|wrist)",
        "~(self harm|selfharm)",
        "(self harming|selfharming)",
        "unalive myself",
        # Self-harm told as happening now or again.
        "=burning my (arms|arm|skin|legs|wrists)",
        "(burn|burnt|burned|burning) (myself|meself) !(on|cooking|with|by accident|accidentally)",
        "(hurting|hurt|harming|harmed) (myself|meself) (again|on purpose|deliberately)",
        "(been|started|start|keep|kept|im|i'm|i am) cutting again"
        " !(my hair|the grass|the hedge|the lawn|hair|wood|the)",
        # Veiled intent: method, means at hand, goodbyes, not waking up, a burden.
        "(step|stepping|walk|walking|lie|lying|jump|jumping|throw myself|throwing myself)"
        " (in front of|under) (a|the) (train|bus|car|lorry|truck|tube)",
        "(lie|lying|lay|laying) (down |)on the (tracks|railway|line)",
        "(pills|tablets|meds|sleepers|benzos) ... (in front of me|lined up|saved up|stockpiled"
        "|stashed up|all counted|counted out)",
        "(take|taking|swallow|swallowing|neck|necking) (all|the lot|every one) (of |)(my|the|them"
        "|these|those) (pills|tablets|meds|sleepers|meth|methadone|script|gear|subs|bupe)"
        " (at once|in one go|together)",
        f"{NOT_EN} (swallow|swallowing|neck|necking) (all|the lot|every one) (of |)(my|the|them"
        "|these|those) (pills|tablets|meds|sleepers)",
        "(suicide|goodbye) note",
        "goodbye (everyone|everybody|world|forever|for good|for ever)",
        "bye (world|forever|for good|for ever)",
        "(everyone|everybody|they|family|kids|mum|she|he) (would be|would all be|will be|are|is"
        "|d be) better off without me",
        "(better off|be better) without me (around|here|alive|anyway)",
        "better off if i (wasnt|wasn't|weren't|was not|were not|was|were) (around|here|alive"
        "|gone|dead)",
        "(hope|pray|praying|hoping) (i|to) (die|don't wake up|dont wake up|never wake up"
        "|not wake up) !(the|my|him|her|them|everyone|anyone|you|laughing)",
        "(go to sleep|sleep|fall asleep|close my eyes) and (not|never) wake up",
        "(want|wanna|wish i could) (to |)(sleep forever|disappear forever|not exist|stop existing)",
        "(don't|dont|do not) want to exist",
        "=(tired|sick) of (living|being alive|life)",
        "(im|i'm|i am) done with (life|living|being alive)",
        "(can't|cant|cannot) (go on|carry on|keep going) (anymore|any more|no more|living)",
        "(what's|whats|what is|wats) the point (of|in) (carrying on|going on|anything anymore"
        "|waking up)",
        "(keep|keeps|been) (thinking|dreaming) (about|of) (dying|being dead|not being here"
        "|ending it|not waking up|jumping|hanging myself)",
        "(no one|nobody|noone) (would|will) (miss|notice) (me|if i was gone|if im gone"
        "|if i'm gone|if i died)",
        "(saving|saved|been saving|stockpiling|stockpiled|stashing|stashed|hoarding|hoarded)"
        " (up |)(my |all my |)(pills|tablets|meds|sleepers|benzos)"
        " !(for the weekend|for monday|for later|til monday|till monday|for the morning)",
        "(saving|saved|been saving|stockpiling|stockpiled|stashing|stashed|hoarding|hoarded)"
        " (up |)(my |all my |)(methadone|meth|script|doses|takeaways|subs|bupe|gear) ... (not"
        " wake up|never wake up|end it|not come back|never come back|be done|all at once"
        "|in one go|not be here)",
        "enough (now |here |)(to|so i|that i) (not|never|dont|don't|wont|won't) wake up",
        "(do|doing|take|taking|use|using|neck|necking|done|bang|banging|inject) (the whole lot"
        "|the lot|everything ive got|everything i've got|everything i have|everything i got"
        "|a massive amount|everything ive saved"
        "|everything i've saved) (in one go|on purpose|at once|tonight)",
        "so i (dont|don't|wont|won't|never|do not|will not) (have to |)wake up"
        " !(late|early|at|in|with|the|my|him|her|them|everyone|anyone|before|till|until)",
        "(this is|its|it's|it is) goodbye",
        "(said|saying|say) my goodbyes",
        "(this is|this'll be|this will be) (the|my) last message",
        "(wont|won't|will not|not gonna|not going to) be (around|here|alive) (after|by|much longer"
        "|for long|tomorrow|anymore|any more)",
        "(tonights|tonight's|tonight is) the night !(out|we|i go|for|of|at|in)",
        "(been stood|been standing|been sat|been sitting|standing|stood) on (the|a) (bridge"
        "|roof|ledge) (for|over|thinking|an hour|ages|looking)",
        "(want|wanna|going|gonna|need) to (hurt|harm|cut|burn) (myself|meself)"
        " !(laughing|by accident)",
        "(thinking|think|thought) (about|of) (hurting|harming|cutting|burning) (myself|meself)",
        "(scared|afraid|frightened) (of|about) what (im|i'm|i am|i) (gonna|going to|might|will)"
        " do to (myself|meself)",
        "(to not|not to|never) (come|coming) back from (it|this)",
        "(not planning on|not planning to|dont plan on|don't plan on|no plans to) (being|be)"
        " (here|around|alive)",
        "(ive|i've|i have|ah've|ahve) ended it !(with|between)",
        "(dont|don't|cant|can't|do not) see myself (being around|being here|being alive|alive"
        "|still here|here) (for|by|at|next|much|after|in|till|until)",
        "(disappear|vanish) (for good|forever|for ever)",
        "(like|just|to) not exist",
        "(feel|feeling|felt) like ending (it|it all|everything|my life) !(with|between)",
        "(wrote|written|writing|posted) my goodbyes",
        "(till|until) (they|it) (bleed|bleeds|bled)",
        "on the (bridge|ledge) again",
        "(on|at) the (bridge|ledge|roof) ... (jump|jumping|end it|looking down)",
        "=top (myself|meself|himself|herself|themselves)",
        "(says|said|saying|keeps saying|texted|told me) (she|he|they) (wants|want|is going|s going"
        "|gonna|going) to (end it|die|kill (herself|himself|themselves))",
        "locked (herself |himself |themselves |myself |)in the (bathroom|toilet|loo) with (a|the"
        "|his|her) (blade|razor|knife|pills)",
        "(better off|easier|better) (for everyone |for everybody |for them |for all |for my family"
        " |)if i (wasnt|wasn't|weren't|was not|were not|was|were) (around|here|alive|gone|dead)",
        "and (not|never) wake up (this time|again|ever)",
        "(the lot|everything) (and|an|n) (not|never) wake up",
        "on purpose (and|an|n) be done",
        "=tell my (kids|mum|mam|mom|daughter|son|family|girl|boy|wife|husband|partner|mother|dad)"
        " (i love (them|her|him)|im sorry|i'm sorry|sorry)",
        "noose",
        "(rope|ligature) ... (so someone knows|tonight|ready|round my neck|around my neck"
        "|goodbye|for myself|tied up|tied it|hanging|ceiling|beam|banister)",
        "(got|bought|have|ive got|i've got|there's|theres) a rope (in|at|ready|for me|tied|up)"
        " !(for the washing|for washing|for the tent|for climbing|for the boat|for the dog)",
        "(urge|urges|urging|itching|itch|need) to (cut|self harm|selfharm|hurt myself|burn myself"
        "|harm myself|hurt meself) !(down|back|ties|contact|costs|my hair|hair|corners|in|the"
        "|it out|out|loose|my losses|class|off|up|through|it|that|this|them)",
        "(staring|stared|been staring|looking down|keep looking|been looking) (at|down at|over at"
        "|into) the (tracks|railway|railway line|train tracks|rails|drop|river|canal)"
        " !(on|of|from|list|playlist|album)",
        "(stood|standing|sat|sitting|been|waiting) (by|near|next to|at|on) the (tracks|railway"
        "|railway line|rails|train tracks) (for|an hour|ages|thinking|again|tonight|looking)",
        "might as well (finish|end) it",
        "(gonna|going to|will|i'll|ill) finish it (all|for good|tonight)",
        "(want|wanna|need) (it all|everything) to (stop|end) (for good|forever|for ever|now)",
        "(everything|it all) to stop for good",
        "(point|reason|need) (of|in|to|for|) waking up",
        "(point|reason) (to|for) wake up",
        "(goodbye|bye) ... sorry for everything",
        "sorry for everything ... (goodbye|bye|last message|love you all)",
        "(going|heading|walking|go) (up |)to the (bridge|tracks|railway|cliffs|roof) ..."
        " (tell someone|goodbye|last|end it|jump|sorry)",
        "no point (going on|carrying on|living|being here|being alive)"
        " !(about|at|with|like|and on|to|for)",
        "(do|take|use|neck|inject) everything (ive|i've|i have) (got |)(saved|stashed|put by)",
        "(see|seeing) myself waking up",
        "=cutting (my arms|my legs|my wrists|my skin|myself again)",
        "(cant|can't|cannot) stop (hurting|harming|cutting|burning) (myself|meself)",
        "cutting again (cant|can't|and cant|and can't) stop",
        "(burnt|burned|burning|burn) my (arm|arms|leg|legs|skin|wrist|wrists) (with a|on purpose"
        "|again|with my)",
        "(gave|given|giving) (away |)(the|my|all my) (dog|cat|stuff|things|bike|phone|telly) ..."
        " (letters|letter|goodbye|someone to know|someone knows|wont need|won't need)",
        "(letter|letters|note|notes) ... (goodbye|wont be around|won't be around|last message"
        "|ending it|end it)",
        # Letters left for the family, the means in mind, a plan, another person's threat.
        "(wrote|written|writing|write|left|leaving) (letters|a letter|goodbye letters) for"
        " (my|the) (kids|children|son|daughter|sons|daughters|boys|girls|mam|mum|mom"
        "|family|partner|wife|husband|girlfriend|boyfriend|mother|dad)"
        " !(s|to|about|from|for|so|school|teacher|court|solicitor|probation|housing|every|each"
        "|when|while|inside|in prison|in jail|weekly)",
        "(everyones|everyone's|everybodys|everybody's|theyre|they're|theyd|they'd|theyll"
        "|they'll|world|worlds|world's) better off without me !(lol|jk|haha|lmao)",
        "(what's|whats|what is|wats) the point (going on|carrying on|living|being alive"
        "|waking up) !(about|at|with|and on|to|for|in)",
        "(been|keeps|kept|keep|started|was|is) talking about (ending it|ending his life"
        "|ending her life|ending their life|ending my life|killing (himself|herself|themselves"
        "|myself)|not being here|not wanting to be here|wanting to die|topping (himself|herself"
        "|themselves|myself)) !(with|between|for)",
        "(keep|keeps|kept|cant stop|can't stop|cannot stop|been|always|constantly) (thinking"
        "|dreaming) (about|of) the (train tracks|tracks|railway|railway line|rails|bridge|canal"
        "|river|ledge|drop|cliff|cliffs|roof) !(walk|walks|job|jobs|project|works|path|towpath"
        "|boat|boats|trip|party|pub|cafe|club|festival|route|closure|repairs|game|film|song"
        "|episode)",
        "(till|until|til|untill) i (dont|don't|do not|never|wont|won't|will not) wake up",
        "(hes|shes|he's|she's|he is|she is|theyre|they're|they are) (going to|gonna|about to"
        "|threatening to|trying to|planning to) kill (himself|herself|themselves)"
        " !(laughing|on that|on the|on his|on her|at work|at the gym)",
        "(how many|how much) (pills|tablets|meds|sleepers|benzos|methadone|meth|gear"
        "|paracetamol) ... (not be here|not wake up|never wake up|to end it|end it all)",
        "to not be here (anymore|any more|no more) !(in|at|with|on|because|cos|than)",
        "(hurting|harming|cutting|burning) (myself|meself) (is |)(the only thing|all that helps"
        "|only thing that helps|what helps)",
        "(plans|planning|plan|planned|threatening|threatened|threatens|wants|wanted|going"
        "|gonna|about) to jump !(ship|bail|the|a|on|in|into|back|at|out|through|ahead|over|up"
        "|around|down|queue|start|for|to)",
        "planning my (own death|suicide|own funeral)",
        "(no future|see a future|see any future|no point|no reason|better off|cant go on"
        "|can't go on) ... planning my (exit|death|funeral|end|goodbyes)",
        "(ta|thanks|thank you|thankyou|cheers) for everything ... (wont be needing|won't be"
        " needing|will not be needing) ... (bye|goodbye)",
        # Affairs put in order so nobody has to deal with it after; every tablet in the
        # house; nobody would notice; not bothering anyone much longer; another person's
        # plan to hang himself; a last word for the family.
        "so (nobody|no one|noone) (has|have|will have|would have|needs|will need|ever has) to"
        " (deal with|sort|sort out|clean up|tidy|handle|worry about|go through) ... (after"
        "|afterwards|when im gone|when i'm gone|once im gone|once i'm gone) !(i get out|im out"
        "|i'm out|im released|i'm released|release|i leave|i go back|work|school|christmas"
        "|the weekend|court)",
        f"{NOT_EN} (swallow|swallowing|take|taking|neck|necking|down|downing) every (tablet"
        "|pill|last pill|last tablet|one of my pills) (in the house|i have|ive got|i've got"
        "|in the flat|i can find|in the cupboard|in the drawer|i own|left)",
        "(no one|nobody|noone) (would|will|d|ll) (miss|notice|care) if i (wasnt|wasn't|weren't"
        "|was not|were not) (here|around|alive) !(for|on|at|to|in)",
        "(no one|nobody|noone) (would|will|d|ll) (miss|notice|care) if i (was|were) (gone|dead)",
        "(no one|nobody|noone) (would|will|d|ll) (miss|notice|care) if i (died|disappeared"
        "|vanished)",
        "(wont|won't|will not|not gonna|not going to) be (bothering|bugging|troubling|burdening"
        "|a bother to|a burden to) (anyone|anybody|everyone|people|you all|yous) (much longer"
        "|for long|anymore|any more|after tonight|after today)",
        "to hang (himself|herself|themselves) !(years|last|in prison|inside|when|once|up|out)",
        "(planning|thinking|talking|talked|thought|dreaming) (about|of) hanging (himself"
        "|herself|themselves)",
        "=tell my (kids|mum|mam|mom|daughter|son|family|girl|boy|wife|husband|partner|mother"
        "|dad|sister|brother|nan) (i loved (them|her|him)|i always loved (them|her|him)|that i"
        " love (them|her|him)|that i loved (them|her|him)|im sorry for everything|i'm sorry"
        " for everything) !(present|gift|card|cake|flowers|dinner|food|idea|letter)",
        # At the tracks, thinking of stepping out (not "... of the door", "... for a smoke").
        "(at|by|near|beside|next to|down by|down at|over by|along|up by|up at) the (tracks"
        "|train tracks|railway|railway line|railway tracks|rail tracks|rails|train line"
        "|level crossing|railroad|railroad tracks) ... (thinking about|thinking of|think about"
        "|thought about|tempted to|want to|wanna|could|might|gonna|going to|about to|urge to"
        "|feel like) (step|stepping|walk|walking|jump|jumping|wander|wandering) out"
        " !(of|for|with|to|into|at|from|further|farther|tomorrow|the door|on my|on him|on her"
        "|on them|on you|on the job|on work)",
        "(at|by|near|beside|next to|down by|down at|over by|along|up by|up at) the (tracks"
        "|train tracks|railway|railway line|railway tracks|rail tracks|rails|train line"
        "|level crossing|railroad|railroad tracks) ... (thinking about|thinking of|think about"
        "|thought about|tempted to|want to|wanna|could|might|gonna|going to|about to|urge to"
        "|feel like) (step|stepping|walk|walking|jump|jumping|wander|wandering|lie|lying) (in"
        " front|onto them|onto the tracks|onto the line|onto the rails|on to the tracks"
        "|down on them|down on the tracks)",
        # "Tonight is my last night" as a goodbye; beside a knife or a rope at hand.
        f"(tonight|tonights|this) (is|will be|ll be|s|gonna be|going to be) (my|his|her|their)"
        f" last (night|nite|evening) {LAST_NIGHT_NOT_EN}",
        f"tonights (my|his|her|their) last (night|nite|evening) {LAST_NIGHT_NOT_EN}",
        f"{LAST_DAY_NOT_BEFORE} (my|his|her|their) last (night|nite|evening|day) (on earth"
        "|on this earth|alive|on this planet|in this world|of my life|of his life|of her life)",
        "(tonight|tonights|this) (is|will be|ll be|s|gonna be|going to be) (my|his|her|their)"
        " last (night|nite|evening) ... (knife|knives|blade|blades|razor|razors|razorblade"
        "|razorblades|rope|noose|gun|ligature)",
        "(today|todays|tonight|tonights|this) (is|will be|ll be|s) (my|his|her|their) last day"
        " ... (knife|knives|blade|blades|razor|razorblade|rope|gun|ligature) (on him|on her|on"
        " them|on me|with him|with her|with them|with me|in his hand|in her hand|in my hand"
        "|ready|next to me|beside me|next to him|next to her)",
        f"(knife|knives|blade|blades|razor|razorblade|rope|gun|ligature) ... (today|todays"
        f"|tonight|tonights|this) (is|will be|ll be|s) (my|his|her|their) last (night|nite"
        f"|evening|day) {LAST_NIGHT_NOT_EN}",
        # From the ninth blind set of December 2026: a note for whoever finds the phone.
        "(if|when) (you're|youre|your|you are|u r|ur|u are) reading this ... (sorry|forgive"
        "|love you|goodbye|bye|not here|gone|better off)",
        # From the sixth and seventh blind sets of December 2026.
        "how high (does|do|would|should|has) ... (need to be|needs to be) to make sure",
        "(sat|sitting|stood|standing) on the (wall|edge|railing|railings|rail|side|ledge) of the"
        " (bridge|car park|carpark|multi storey|viaduct|flyover)",
        "(decided|made up my mind) (im|i'm|i am|ill|i'll) (done|going) !(with|using|taking|to|for)",
        "(written|wrote|writing) (the|my) (notes|letters) ... (on the bed|on the table"
        "|someone to know|someone knows|goodbye|for the kids)",
        "(whole box|whole packet|whole pack|whole bottle|whole strip|whole lot) ..."
        " be done with it",
        "(put|putting|got|sorted) my affairs in order",
        "(do not|dont|don't) (intend|plan|expect) to see (next week|tomorrow|the morning|monday"
        "|christmas|another)",
        "(in the|in my|in our) garage with the engine (running|on|going)",
        "engine running ... (hose|pipe|exhaust|garage doors shut|garage door shut)",
        # From the ninth blind set of December 2026: the pets given away, nothing left to sort.
        "(left|gave|given|leaving|giving) (the|my) (dog|dogs|cat|cats|kids|pets) (with|to) ..."
        " nothing (else|left|more) to (sort|do|sort out)",
    ),
    "fr": (
        "~suicide",
        "suicider",
        "~suicidé",
        f"{NOT_FR} suicidaire",
        f"{NOT_FR} envie de (mourir|crever)",
        "de plus en plus envie de (mourir|crever)",
        f"{NOT_FR} (veux|voudrais|veut) (mourir|crever)",
        "(veux|vais|voudrais|envie de|pense à|devrais) me tuer",
        "me (pendre|flinguer)",
        "me foutre en (l'air|lair)",
        "me jeter sous un (train|métro|bus|camion)",
        "me jeter (du|d'un|par la) (pont|fenêtre|immeuble)",
        "me jeter dans (le|la|l') (canal|fleuve|rivière|seine|meuse|loire|rhône|vide|eau)",
        f"{NOT_FR} (veux|voudrais|envie d'|vais) en finir",
        "en finir avec (la vie|tout|ma vie)",
        "(mettre|mets|met) fin à (mes jours|ma vie)",
        "(plus|pas) envie de vivre",
        "(veux|voulait|veut|voudrais|envie de) (plus|pas|jamais) (me|se|m'|s')"
        " (réveiller|reveiller) !(tôt|avant|à|le matin|demain matin|pour)",
        "(veux|voulais) (plus|pas) vivre !(ici|là|labas|avec|chez|dans|en|à|au|près|seul|seule)",
        "marre de (vivre|la vie)",
        "me (scarifier|scarifie|mutiler|mutile)",
        "(je me suis|me suis) (coupé|coupée|brûlé|brûlée|scarifié|scarifiée)"
        " (exprès|encore|volontairement|les bras|le bras)",
        "je me (coupe|brûle|scarifie) (encore|exprès|les bras)",
        "~automutilation",
        "(ouvrir|couper|taillader|trancher) les veines",
        "mieux (mort|morte)",
        "(à|a) quoi bon vivre",
        "(à|a) quoi bon (continuer|me battre|rester en vie|me lever|tenir)",
        "(plus|pas) la force de (continuer|vivre|me battre|tenir)",
        "(envie de|veux|voudrais|aimerais) (disparaître|disparaitre) !(quelques|de|d'ici|un"
        "|pendant|du|des|loin)",
        "(serait|seraient|serez|seront|sera|serais) mieux sans moi",
        "(m'endormir|dormir) et (ne plus|ne jamais|plus jamais|jamais) me (réveiller|reveiller)",
        "(cachets|médocs|comprimés|cachetons|pilules) ... (devant moi|de côté|tous prêts"
        "|alignés|comptés)",
        f"{NOT_FR} (avaler|gober) (tous|toute) (mes|les|ces|la boîte de) (cachets|médocs"
        "|comprimés|cachetons|pilules|boîte)",
        "prendre (toute la boîte|tous mes (cachets|médocs|comprimés) d'un coup)",
        "tout (avaler|gober|prendre) (d'un coup|d'un seul coup|en une fois)",
        "lettre d'adieu",
        "adieu (à tous|tout le monde|à tout le monde)",
        "(sauter|me jeter|me balancer|me mettre) (sous|devant) (un|le) (train|métro|bus|camion)",
        "(sauter|me jeter|me balancer) (du|d'un) (pont|toit|immeuble)",
        "(fatigué|fatiguée|marre|las|lasse) de (vivre|la vie|être en vie)",
        "je me (coupe|scarifie|mutile|taillade) (à nouveau|de nouveau|encore|toutes les nuits)",
        "personne (me|ne me) (regretterait|regrettera|manquerait)",
        "(jveux|jvoudrais) (mourir|crever|en finir)",
        "(jveux|jvoudrais) (plus|pas) (me |)(réveiller|reveiller|vivre)",
        "c'est fini pour moi !(la|le|les|l|avec|de|d|ce|cette)",
        "(flacons|fioles|métha|methadone|méthadone|cachets|médocs) ... (bois tout|boire tout"
        "|tout boire|avaler tout|tout avaler|tout prendre)",
        "(ouvert|ouvre|ouvrir|taillé|tailladé) (les|mes) (avant bras|bras|poignets|veines)",
        "(dites|dis|dîtes|direz) ... que je (l'aime|les aime|l'aimais|t'aime)",
        "(dernière|derniere) fois que (j'écris|je vous écris|jécris|j'ecris)",
        "(va|veut|voulait|allait|menace de|vas|veux) se (tuer|foutre en l'air|suicider|pendre"
        "|jeter|flinguer)",
        "(elle|il) (veut|va) en finir",
        "(jvais|j'vais) (me tuer|me foutre en l'air|en finir|me pendre)",
        "me suis (encore|de nouveau|à nouveau) (coupé|coupée|scarifié|scarifiée|tailladé"
        "|tailladée|brûlé|brûlée|mutilé|mutilée)",
        "(plus|pas) envie d'être (là|ici|en vie) !(au|à|dans|chez|avec|en|a)",
        "(sur le|au bord du|en haut du) (pont|toit|rebord) ... (sauter|me jeter|en finir)",
        "envie de me (couper|scarifier|taillader|faire du mal|mutiler|brûler)",
        "(une|la|ma) corde (prête|dans|pour moi|au plafond|accrochée|attachée|autour du cou)",
        "(fixe|regarde|regarder|fixer) les (rails|voies) (depuis|du|ça fait|encore|toute)",
        "(lettre|lettres) ... (plus là|adieu|en finir)",
        "(dernière|derniere) nuit ... (adieu|plus là|en finir)",
        # No wish to wake up any more, means saved up for one go, a goodbye.
        "(plus|jamais) envie de (me|m') (réveiller|reveiller) !(tôt|avant|à|a|pour|si tôt"
        "|aussi tôt|demain|le matin pour)",
        "(ai gardé|ai stocké|mis de côté|économisé|accumulé|planqué|ai réservé) ... (prends"
        "|prendre|avale|avaler|bois|boire|gobe|gober) tout (d'un coup|d'un seul coup|en une fois)"
        " !(le matin|le soir|ou|chaque|tous)",
        "merci pour tout ... (vais partir|pars|partir|m'en aller) (pour de bon|pour toujours)",
        # Talk of hanging, a goodbye with the children to look after, things given away
        # beside a letter, on a bridge above the water.
        "(parle|parlait|parlé|parler|parlais) (de se|de me|de te) (pendre|tuer|suicider"
        "|foutre en l'air|flinguer)",
        "(pardon|désolé|désolée|dsl) pour tout ... (prends soin|prenez soin|adieu|je vous aime"
        "|je t'aime|embrasse)",
        "(donné|distribué|offert|légué|laissé) (toutes |)(mes|toutes mes) (affaires|choses|trucs"
        "|fringues|biens|meubles) ... (lettre|lettres|adieu|en ordre|plus besoin|mot pour)",
        "pont ... (l'eau|la flotte|la rivière|le fleuve|le canal) (est|a l'air|semble|parait"
        "|paraît) (noire|froide|profonde|sombre|attirante)",
        "pont ... (l'eau|la flotte|la rivière|le fleuve|le canal) (est|a l'air|semble|parait"
        "|paraît) (si|tellement|trop) (calme|tranquille|noire|froide|profonde|sombre|attirante)",
        "pont ... (serait|ça serait|ce serait|ce sera|ça sera) (si |tellement |)(facile|simple)",
        "pont ... (regarde|fixe|je regarde|je fixe) (l'eau|en bas|le vide|la flotte) (depuis"
        "|ça fait|ca fait|encore)",
        # "C'est ma dernière soirée" as a goodbye; beside a knife or a rope at hand.
        f"(c'est|ce sera|ça sera|ca sera|ça va être|sera) (ma|sa) (dernière|derniere) (soirée"
        f"|nuit) {LAST_NIGHT_NOT_FR}",
        f"(c'est|ce sera|ça sera|ca sera|ça va être|sera) (mon|son) dernier soir"
        f" {LAST_NIGHT_NOT_FR}",
        f"{LAST_DAY_NOT_BEFORE} (ma|sa|mon|son) (dernière|derniere|dernier) (soirée|nuit|jour"
        "|journée|soir) (sur terre|sur cette terre|en vie|de ma vie|de sa vie|vivant|vivante)",
        "(c'est|ce sera|ça sera|ca sera|sera) (ma|sa|mon|son) (dernière|derniere|dernier)"
        " (soirée|nuit|soir) ... (couteau|couteaux|lame|lames|rasoir|cutter|corde|flingue|arme"
        "|pistolet)",
        "(c'est|ce sera|ça sera|ca sera|sera) (mon|son) dernier jour ... (couteau|couteaux|lame"
        "|lames|rasoir|cutter|corde|flingue|arme|pistolet) (sur lui|sur elle|sur moi|avec lui"
        "|avec elle|avec moi|à la main|en main|dans la main|prêt|prête|à côté de moi|à côté de"
        " lui|à portée)",
        f"(couteau|couteaux|lame|lames|rasoir|cutter|corde|flingue|arme|pistolet) ... (c'est"
        f"|ce sera|ça sera|ca sera|sera) (ma|sa|mon|son) (dernière|derniere|dernier) (soirée"
        f"|nuit|soir|jour|journée) {LAST_NIGHT_NOT_FR}",
        # From the ninth blind set of December 2026: a note for whoever finds the phone.
        "si (tu lis|vous lisez) (ça|ca|ce message|ceci) ... (désolé|désolée|pardon|je t'aime"
        "|je vous aime|adieu)",
    ),
    "de": (
        "mich (umbringen|töten|aufhängen|erhängen|erschießen)",
        "(bring|bringe) mich um",
        "~selbstmord",
        "selbstmordgedanken",
        "~suizid",
        f"{NOT_DE} suizidal",
        "suizidgedanken",
        "suizidgefährdet",
        f"{NOT_DE} (will|möchte|wollte|würde gern|würde gerne) sterben",
        "will tot sein",
        "(lieber|besser) tot",
        "nicht mehr leben",
        "mit (allem|dem leben) schluss machen",
        "schluss machen mit (allem|dem leben)",
        "mir das leben nehmen",
        "mir (was|etwas) antun",
        "ritzen",
        "ritze mich",
        "mich (wieder|schon wieder|absichtlich) (geritzt|verbrannt|verletzt|geschnitten)",
        "(vor|unter) (den|einen) zug (werfen|springen)",
        "von (der|einer) brücke springen",
        "wozu (noch |)leben",
        f"{NOT_DE} (will|möchte|wollte) nicht mehr (aufwachen|da sein|existieren)",
        "einschlafen und nicht mehr aufwachen",
        "(wären|wär|wäre|sind|ist) (alle |)besser (dran |)ohne mich",
        "leben (hat|macht) (doch |)keinen sinn mehr",
        "keinen sinn mehr zu leben",
        "wozu (noch |)(weitermachen|durchhalten|aufstehen)",
        "(tabletten|pillen|medis|medikamente) ... (vor mir|gesammelt|gehortet|gebunkert|abgezählt)",
        "alle (meine |)(tabletten|pillen|medis) (auf einmal |)(schlucken|einwerfen)",
        "alle (meine |)(tabletten|pillen|medis) auf einmal nehmen",
        "(tabletten|pillen|medis) (schon |)alle (hier |)(liegen|bereit)",
        "abschiedsbrief",
        "(auf|an) (die|den) (gleise|schienen) (legen|stellen|gehen|springen)",
        "(auf|an) den (gleisen|schienen) (liegen|stehen|sitzen)",
        "(müde|satt) (zu leben|vom leben|des lebens)",
        "(bin|ist) (wieder |)am ritzen",
        "niemand (würde|wird) mich vermissen",
        f"{NOT_DE} (mach|mache) ich schluss !(mit ihm|mit ihr|mit dir|mit der|mit dem|mit meinem"
        "|mit meiner|mit den|für heute|feierabend)",
        "nicht mehr aufwache",
        "(bringt|bringen) sich (heute |jetzt |heute nacht |)um",
        "sich (was|etwas) (antun|anzutun)",
        "sich (umbringen|umzubringen) (will|wollte|möchte|wird)",
        "(arm|arme|handgelenk|handgelenke|haut|beine|bein) (aufgeritzt|aufgeschnitten|aufgekratzt)",
        "wozu (noch |)weiterleben",
        "(nur |)(ne|eine|n) last für (alle|jeden|meine familie|alle anderen)",
        "(das hier|das|dies) ist meine letzte nachricht",
        "(mir wird|wird mir) schwarz vor (den |)augen",
        "(naloxon|nyxoid|narcan) ... (immer noch|noch immer) nicht (richtig |)(da|wach"
        "|ansprechbar)",
        "(nochmal|noch mal|noch einmal) (sprühen|spritzen|naloxon geben)",
        "(will|wollen|möchte) sich (umbringen|das leben nehmen|was antun|etwas antun)",
        "(auf der|auf die|an der|an die) brücke ... (springen|runterspringen|runter springen)",
        "(drang|lust|bedürfnis|druck) (mich |)zu ritzen",
        "(will|möchte) mich (ritzen|schneiden|verletzen)",
        "(strick|seil) (liegt |ist |hängt |)(bereit|fertig|schon|an der decke)",
        "(hab|habe) (einen|nen|ein|schon einen) strick",
        "(sitz|sitze|sitzt|steh|stehe|hock|hocke) (hier|da) mit (nem|einem|nen|dem|meinem)"
        " (strick|seil)",
        # The "golden shot": an overdose taken on purpose.
        "(goldenen|goldener|goldene) schuss",
        "(starre|starr|schaue|stehe|stand|sitze) ... (auf die|an den|an die|bei den) (gleise"
        "|gleisen|schienen)",
        "kann nicht mehr ... (vorbereitet|abschied|verabschiedet|tabletten|schluss)",
        "verabschiedet ... (bin ich weg|nicht mehr da|nicht mehr hier|nicht mehr lebe)",
        # Saying goodbye "for ever", beside hopelessness.
        "(sich|mich) (für immer |)(verabschieden|verabschiedet) ... (keinen sinn|kein sinn"
        "|nicht mehr leben|nicht mehr da sein|für immer|geht nicht ans telefon"
        "|nicht ans handy)",
        "(sich|mich) für immer verabschieden",
        # Things given away so nobody has to clear up, looking down from a bridge, a rope.
        "(alles|meine sachen|mein zeug|mein ganzes zeug) (verschenkt|weggegeben|verteilt"
        "|hergeschenkt) ... (keiner|niemand|abschied|brief|nicht mehr brauche)",
        "(schau|schaue|guck|gucke|blick|blicke|starre) (runter|nach unten|hinunter|in die tiefe"
        "|ins wasser|aufs wasser) ... (wär|wäre|wärs|wär's|wäre es|ist) (so |ganz |doch |echt"
        " |)(einfach|leicht)",
        "(steh|stehe|stand|sitz|sitze) (auf|an) (der|einer|dieser|dem) (brücke|brüstung"
        "|geländer|kante) ... (schau|schaue|guck|gucke|starre|blick) (runter|nach unten"
        "|hinunter|in die tiefe|ins wasser|aufs wasser)",
        "(steh|stehe|stand|sitz|sitze) (auf|an) (der|einer|dieser|dem) (brücke|brüstung"
        "|geländer|kante) ... (springen|runterspringen|wär so einfach|wäre so einfach)",
        "(hat sich|hab mir|habe mir) (einen|nen|n|ein|schon einen) strick (besorgt|gekauft"
        "|geholt|organisiert|gemacht|geknüpft)",
        "strick ... (in den wald|im wald|heute nacht|heute abend|balken|decke|dachboden"
        "|verabschiedet)",
        # "Heute ist mein letzter Abend" as a goodbye (not "... im Urlaub", "... vor der
        # Schicht"); "dass heute sein letzter Abend ist"; beside a knife or a rope at hand.
        f"(heute|heut|das) (ist|wird) (mein|sein|ihr) letzter abend {LAST_NIGHT_NOT_DE}",
        f"(heute|heut|das) (ist|wird) (meine|seine|ihre) letzte nacht {LAST_NIGHT_NOT_DE}",
        "=(dass|das|weil|ob) (heute|heut) ((mein|sein|ihr) letzter abend|(meine|seine|ihre)"
        " letzte nacht) (ist|sei|wäre|wär|wird)",
        f"{LAST_DAY_NOT_BEFORE} ((mein|sein|ihr) letzter (abend|tag)|(meine|seine|ihre) letzte"
        " nacht) (auf (dieser|der) welt|auf erden|(meines|seines|ihres) lebens|am leben)",
        "((heute|heut) (ist|wird)|(dass|das|weil|ob) (heute|heut)) ((mein|sein|ihr) letzter"
        " abend|(meine|seine|ihre) letzte nacht) ... (messer|klinge|klingen|rasierklinge"
        "|rasiermesser|strick|seil|pistole|waffe|knarre)",
        "((heute|heut) (ist|wird)|(dass|das|weil|ob) (heute|heut)) (mein|sein|ihr) letzter tag"
        " ... (messer|klinge|klingen"
        "|rasierklinge|rasiermesser|strick|seil|pistole|waffe|knarre) (bei sich|bei mir|dabei"
        "|in der hand|griffbereit|neben sich|neben mir|bereit)",
        f"(messer|klinge|klingen|rasierklinge|rasiermesser|strick|seil|pistole|waffe|knarre) ..."
        f" (heute|heut) (ist|wird) ((mein|sein|ihr) letzter (abend|tag)|(meine|seine|ihre)"
        f" letzte nacht) {LAST_NIGHT_NOT_DE}",
        # From the sixth and seventh blind sets of December 2026.
        "(steht|sitzt|stehe|sitze|stand) auf der (brucke|bruecke) ... (springt|springen|spring"
        "|runter|springe)",
        # From the ninth blind set of December 2026: a note for whoever finds the phone.
        "wenn (du|ihr) (das|dies) (hier |)(liest|lest) ... (tut mir leid|sorry|verzeih"
        "|verzeiht|ich liebe dich|lebewohl)",
    ),
    "nl": (
        "~zelfmoord",
        "zelfmoordgedachten",
        "~zelfdoding",
        f"{NOT_NL} suïcidaal",
        "~suïcide",
        "(mezelf|mijzelf|me) van kant (maken|te maken)",
        "(mezelf|mijzelf|me) om het leven (brengen|te brengen)",
        "(mezelf|mijzelf) (doden|ombrengen)",
        f"{NOT_NL} (wil|wou|wilde) (dood|sterven|doodgaan|dood gaan)",
        "!(hier|daar|thuis|samen) niet meer leven",
        "er een (eind|einde) aan (maken|te maken|maak)",
        "(mezelf|mijzelf|me) (ophangen|verhangen|snijden)",
        "(mezelf|mijzelf|me|mij) (weer|opnieuw|expres) (gesneden|verbrand|pijn gedaan)",
        "(eind|einde) aan (haar|zijn|mijn|m'n|mn|hun) leven",
        "niemand zou mij (missen|mis)",
        "(dit is|hier is) mijn laatste bericht",
        "zeg (tegen |)mijn ... dat (het me spijt|ik van (hen|haar|hem|jullie) hou)",
        "(reageert|reageerde) op (niks|niets)",
        "(snijd|snij|brand) (mezelf|mijzelf|me) (weer|opnieuw|expres)",
        "(beter|liever) dood",
        "voor (de|een) trein (springen|te springen|spring)",
        "geen zin (meer |)(in|om te) leven",
        "(wil|wou|wilde) er niet meer zijn !(op|bij|in|om|voor|met|als|na|tijdens|want)",
        "(weer|opnieuw|alweer) aan het (snijden|krassen|kerven)",
        "(mezelf|mijzelf|me) (weer |opnieuw |)(krassen|gekrast|kerven|gekerfd)",
        "(zijn|is|zou|zouden|waren|was) (allemaal |)beter af zonder mij",
        "(wil|wou|wilde) niet meer wakker worden",
        "(slapen|inslapen|in slaap vallen) en niet meer wakker worden",
        "leven heeft geen zin meer",
        "(wil|wou|wilde) niet meer verder !(met|bij|in|zo|zonder|hier|daar|lopen)",
        "(pillen|tabletten|medicijnen|pilletjes) ... (voor me|voor mij|gespaard|verzameld"
        "|klaarliggen|klaar liggen|opgespaard)",
        "al (mijn|m'n|mn|die|de) (pillen|tabletten|pilletjes) (in een keer|tegelijk)"
        " (innemen|nemen|slikken)",
        "afscheidsbrief",
        "(op|voor) het spoor (gaan |)(liggen|staan|springen|lopen)",
        "onder (de|een) trein (springen|te springen|spring|gaan liggen)",
        "(moe|zat) (van het leven|om te leven)",
        "niemand (zou|zal) me (missen|mis)",
        "(maak|maken) ik er (vannacht |vandaag |)een (eind|einde) aan",
        "(pillen|tabletten|pilletjes) liggen (al |)klaar",
        "(op de|op een) brug ... (springen|te springen|spring)",
        "(dit is|hier is) mijn afscheid",
        "(drang|zin|neiging|behoefte) om (mezelf |me |mijzelf |)(te snijden|te krassen|pijn te"
        " doen|te kerven)",
        "(strop|touw) (ligt |hangt |is |)(klaar|al klaar|aan het plafond|aan de balk)",
        "(heb|ik heb) een strop",
        "(staar|staren|sta|stond|zit) ... (naar het|bij het|aan het|op het) spoor",
        # Thinking of taking all the pills at once.
        "(pillen|tabletten|pilletjes|medicijnen|methadon|strip|strips|slaappillen) ... (erover"
        "|eraan|overweeg|overweeg om|plan om|zin om) (ze |)(allemaal|alles) (in een keer"
        " |tegelijk |)(te nemen|te slikken|in te nemen)",
        # A last message in short spelling, things put in order for when "I'm gone", a rope
        # hung up, nobody would miss him, on a bridge above the water.
        "zeg (tegen |)(mn|m'n|me|men) ... dat (het me spijt|ik van (hen|haar|hem|jullie) (hou"
        "|hield))",
        "(dit is|hier is) (mn|m'n|me) laatste (bericht|berichtje|sms|appje)",
        "mijn laatste berichtje",
        "niemand (zou|zal|gaat) (mij|me|hem|haar) (missen|mis)",
        "(touw|strop) (in|op|aan) (zn|zijn|z'n|haar|mijn|mn|m'n|de|het) (kamer|zolder|garage"
        "|schuur|plafond|balk|trapleuning) (opgehangen|gehangen|vastgemaakt|vastgeknoopt)",
        "(zie|kzie|ik zie) het (niet|ni|nie) meer zitten ... (als ik weg ben|als ik er niet meer"
        " ben|regelen|afscheid|niemand)",
        "(zodat|dan) niemand (er |)(last van|werk aan|iets mee|omkijken) ... (als|wanneer) ik"
        " (weg ben|er niet meer ben|dood ben|er niet meer ben)",
        "(sta|staan|stond|zit|zat|ben|ksta|kzit) op (de|een|die) brug ... (water|rivier|maas"
        "|schelde|diepte) (ziet er|lijkt) (zo |heel |echt |)(rustig|kalm|diep|koud|donker|zwart"
        "|uitnodigend)",
        "(sta|staan|stond|zit|zat|ben|ksta|kzit) op (de|een|die) brug ... (water|rivier|maas"
        "|schelde|diepte) (lokt|roept|trekt)",
        "(sta|staan|stond|zit|zat|ben|ksta|kzit) op (de|een|die) brug ... (kijk|kijken|staar"
        "|staren) ... (naar beneden|omlaag|in het water|naar het water)",
        "(sta|staan|stond|zit|zat|ben|ksta|kzit) op (de|een|die) brug ... (klim|klimmen|klom)"
        " (er |)(zo |straks |nu |)over",
        "(spring|springen|te springen) (vandaag |vannacht |straks |nu |)van (de|een|het|die)"
        " (brug|flat|dak|balkon|toren)",
        "(sta|staan|stond|zit|zat|ben|ksta|kzit) op (de|een|die) brug ... (zo makkelijk"
        "|springen|spring)",
        # "Vanavond is mijn laatste avond" as a goodbye; beside a knife or a rope at hand.
        f"(vanavond|vannacht|vandaag|dit) (is|wordt) (mijn|mn|m'n|zijn|zn|z'n|haar) laatste"
        f" (avond|nacht) {LAST_NIGHT_NOT_NL}",
        f"{LAST_DAY_NOT_BEFORE} (mijn|mn|m'n|zijn|zn|z'n|haar) laatste (dag|avond|nacht) (op"
        " aarde|op deze aarde|op deze wereld|van mijn leven|van zijn leven|van haar leven|in"
        " leven)",
        "(vanavond|vannacht|vandaag|dit) (is|wordt) (mijn|mn|m'n|zijn|zn|z'n|haar) laatste"
        " (avond|nacht) ... (mes|messen|mesje|mesjes|scheermes|scheermesje|touw|strop|pistool"
        "|wapen)",
        "(vandaag|dit) (is|wordt) (mijn|mn|m'n|zijn|zn|z'n|haar) laatste dag ... (mes|messen"
        "|mesje|mesjes|scheermes|scheermesje|touw|strop|pistool|wapen) (bij zich|bij hem|bij"
        " haar|bij me|bij mij|in zijn hand|in haar hand|in mijn hand|klaar|naast me|naast mij"
        "|naast hem|naast haar)",
        f"(mes|messen|mesje|mesjes|scheermes|scheermesje|touw|strop|pistool|wapen) ..."
        f" (vanavond|vannacht|vandaag|dit) (is|wordt) (mijn|mn|m'n|zijn|zn|z'n|haar) laatste"
        f" (avond|nacht|dag) {LAST_NIGHT_NOT_NL}",
        # From the sixth and seventh blind sets of December 2026.
        "(mijn|mn|m'n|al mijn|al mn) (spullen|spulletjes) (verdeeld|weggegeven|weg gegeven)",
        "hoeft niemand (er |)(later |)(gedoe|last|werk) (mee|van|aan)",
        # From the ninth blind set of December 2026: a note for whoever finds the phone.
        "als (je|jij|jullie|u) dit (leest|lezen) ... (sorry|spijt|vergeef|hou van je"
        "|hou van jullie|vaarwel)",
    ),
    "pt": (
        "!(vai|vão|ia|iam|vais|a|está|tá|querem|quer) (me matar|matar-me)",
        "~suicídio",
        "suicidar",
        f"{NOT_PT} suicida",
        f"{NOT_PT} (quero|queria) morrer",
        f"{NOT_PT} vontade de morrer",
        "acabar com (tudo|a minha vida|a vida|minha vida)",
        "(tirar|tirando) (a minha|minha|a própria|a minha própria) vida",
        "(não|n) quero (viver|mais viver|continuar a viver|continuar vivendo)"
        " !(aqui|ali|lá|com|em|na|no|perto|sozinho|sozinha)",
        "(enforcar-me|me enforcar)",
        "~(automutilação|auto mutilação)",
        "cortar os pulsos",
        "(cortei-me|me cortei|cortei me|me cortar|cortar-me|queimei-me|me queimei)"
        " (outra vez|de novo|novamente|de propósito|again)",
        "(voltei|volto) a (me cortar|cortar-me|me queimar|queimar-me)",
        "melhor (morto|morta)",
        "(não|n|já não) quero (estar|ficar|andar) (cá|aqui) (mais|)"
        " !(em|no|na|nesta|neste|com|sozinho|sozinha|hoje|amanhã|à noite)",
        "(não|n) vale a pena viver",
        "(me atirar|atirar-me|me jogar|jogar-me) (da|de uma) (ponte|janela)",
        "(comprimidos|medicamentos|remédios|pastilhas) ... (à minha frente|a minha frente)",
        "(juntei|andei a juntar|tenho juntado|tenho andado a juntar) (os |uns |todos os |)"
        "(comprimidos|medicamentos|remédios|pastilhas)",
        "(tomar|engolir) (todos os|os) (comprimidos|remédios|medicamentos|pastilhas) (todos |)"
        "de uma vez",
        "(ficavam|ficariam|estariam|estavam|ficam|ficava|ficaria|estão|estava|estaria)"
        " (todos |)melhor sem mim",
        "(não|n) (quero|queria) (acordar|voltar a acordar|mais acordar) !(cedo|às|as|tão|tarde"
        "|amanhã cedo|amanhã às|amanhã as|amanhã tão|tao)",
        "(se vai|vai-se|se quer|quer-se|vai se|quer se|ameaçou) (matar|suicidar|enforcar)",
        "(desaparecer|desaparecesse|desaparecia) (de vez|para sempre)",
        "(esta é|é) a minha (última|ultima) mensagem",
        "(digam|diz|diga) ... que (a|o|os|as) (amo|adoro)",
        "(digam|diz|diga) ... que gosto muito (dela|dele|deles|delas)",
        "(dormir|adormecer) e (não|n|nunca mais) acordar",
        "carta de despedida",
        "(atirar-me|me atirar|jogar-me|me jogar|deitar-me|me deitar) (para a frente|à frente|na"
        " frente|para debaixo|debaixo) (do|de um) (comboio|trem|metro|autocarro|ônibus|camião)",
        "(cansado|cansada|farto|farta) de (viver|estar vivo|estar viva|a vida)",
        "para que (continuar|viver|aguentar)",
        "de que vale (viver|continuar)",
        "(ando|estou) a (me cortar|cortar-me|me queimar|queimar-me)",
        "ninguém (ia|iria|vai) (sentir a minha falta|dar pela minha falta|notar)",
        "(acabo|vou acabar|acabar) com (tudo|isto tudo) !(o que|que|de|com)",
        "vou acabar com isto (hoje|esta noite|de vez)",
        "(comprimidos|remédios|medicamentos|pastilhas) ... (tomar|engolir) (todos|tudo) de uma vez",
        "(despedi-me|me despedi|despedi me) de (toda a gente|todos|todo mundo)",
        f"(hoje|esta|esta noite) é (a |)(minha|sua) (última|ultima) noite {LAST_NIGHT_NOT_PT}",
        f"(hoje|esta|esta noite) é a (última|ultima) noite {LAST_NIGHT_NOT_PT}",
        "(não|n) (vejo|tenho|há) (razão|motivo|razao) (para|pra) (continuar a viver|viver"
        "|continuar)",
        "acabo com isto",
        "(tô|to|estou|tou|fico|sentado|deitado|parado) (na|nos|em cima da|em cima dos) (linha do"
        " trem|linha do comboio|linha férrea|trilhos|carris)",
        "(na|da|em cima da) ponte ... (saltar|atirar-me|me atirar|jogar-me|me jogar)",
        "(que a amo|que o amo|que os amo|que as amo) ... adeus",
        "vontade de (me cortar|me magoar|me aleijar|cortar-me|magoar-me|me queimar|queimar-me)",
        "(uma|a) corda (pronta|no tecto|no teto|preparada|à volta do pescoço)",
        "(a olhar|olhar|olho|olhando|fico a olhar) (para a|para as|pra) (linha|linhas|linha do"
        " comboio|linha do trem)",
        "(já não|não|n) aguento mais ... (tudo pensado|tudo planeado|tudo preparado|acabar)",
        # Means saved up for one go, a goodbye beside "I can't take any more".
        "(guardada|guardado|guardadas|guardados|guardei|juntei|poupei|escondi|reservei) ..."
        " (tomar|tomo|engolir|engulo|beber|bebo) (tudo|toda|todos|todas) de uma (vez|só vez)",
        "(adeus|obrigado por tudo|obrigada por tudo) ... (não aguento mais|já não aguento"
        "|n aguento mais|nao aguento mais)",
        # Everything left in order so nobody has work "after I go", staring at the water
        # from a bridge, a goodbye message and then silence or a gun.
        "(pra|para) (ninguém|ninguem) ter (trabalho|que|de) ... (depois (que|q|) eu|quando eu)"
        " (for|partir|morrer|me for|já não estiver|não estiver|n estiver) !(ao|à|a|pra|para|no"
        "|na|embora|trabalhar|viajar|de|preso|presa|solto|solta)",
        "(deixar|deixando|deixei|deixo) tudo (organizado|arrumado|em ordem|pronto|resolvido"
        "|tratado) ... (depois (que|q|) eu|quando eu) (for|partir|morrer|me for|já não estiver"
        "|não estiver|n estiver) !(ao|à|a|pra|para|no|na|embora|trabalhar|viajar|de|preso"
        "|presa|solto|solta)",
        "(na|da|em cima da|no meio da|numa|em cima de uma) ponte ... (a olhar|olhando|olho"
        "|fico a olhar) (para|pra|pro) (baixo|o vazio)",
        "(na|da|em cima da|no meio da|numa|em cima de uma) ponte ... (a olhar|olhando|olho"
        "|fico a olhar|a ver) (para a|pra|pra a|para o|pro) (água|agua|rio) (há|faz|já faz|ja faz"
        "|desde)",
        # From the eighth blind set of December 2026: on top of the bridge, looking at the river.
        "(em cima da|em cima de uma|no parapeito da|na beira da) ponte ... (a olhar|olhando"
        "|olho|fico a olhar|a ver|vendo) (o|a|para o|para a|pro|pra|pra o) (rio|água|agua|mar"
        "|guaíba|guaiba|tejo|douro|vazio)",
        "(era|é|foi|tipo|como) uma despedida ... (desligou|não atende|n atende|nao atende|arma"
        "|corda|comprimidos|sumiu)",
        # "Hoje é a minha última noite" (above) beside a knife or a rope at hand; "my last
        # day on earth".
        f"{LAST_DAY_NOT_BEFORE} (minha|sua|meu|seu) (última|ultima|último|ultimo) (noite|dia)"
        " (na terra|neste mundo|de vida|vivo|viva|da minha vida|em vida)",
        "(hoje|esta|esta noite) é (a |)(minha|sua) (última|ultima) noite ... (faca|facas"
        "|lâmina|lâminas|navalha|gilete|corda|arma|pistola|revólver)",
        "hoje é (o |)(meu|seu) (último|ultimo) dia ... (faca|facas|lâmina|lâminas|navalha"
        "|gilete|corda|arma|pistola|revólver) (com ele|com ela|comigo|consigo|na mão|à mão"
        "|pronta|pronto|ao lado|ao pé)",
        f"(faca|facas|lâmina|lâminas|navalha|gilete|corda|arma|pistola|revólver) ... (hoje"
        f"|esta|esta noite) é (a |o |)(minha|sua|meu|seu) (última|ultima|último|ultimo)"
        f" (noite|dia) {LAST_NIGHT_NOT_PT}",
        # From the sixth and seventh blind sets of December 2026.
        "(mandando|mandou|enviando|enviou|manda|mandei|a mandar) (mensagem|mensagens|msg|msgs)"
        " de (despedida|adeus)",
        "(dando|deu|doando|a dar|dei) as coisas (dela|dele|minhas|todas)",
        # From the ninth blind set of December 2026: a note for whoever finds the phone.
        "se (estás a ler|está a ler|estiver a ler|está lendo|ta lendo|tá lendo|estiver lendo"
        "|leres|você ler) (isto|isso|esta mensagem|essa mensagem) ... (desculpa|desculpe|perdão"
        "|perdoa|perdoem|te amo|amo-te|adeus)",
    ),
}

# Intent to overdose: both cards apply.
BOTH: dict[str, tuple[str, ...]] = {
    "en": (
        "(overdose|od|overdosing) on purpose",
        "(take|taking) an overdose",
        "(overdose|od) deliberately",
        "(go|going|went|gone|goin) over on purpose",
        "(massive|huge|big|whole) (shot|hit|dose|bag|amount|load) on purpose",
        "deliberate overdose",
        "(massive|huge|big|whole|fat|mad) (shot|hit|dose|bag|amount|load|dig|line) ... (not"
        " come back|never come back|not coming back|never coming back|not wake up|never wake up"
        "|be done with it|end it|not be here)",
    ),
    "fr": ("(overdose|surdose|od) (exprès|volontaire|volontairement)",),
    "de": ("absichtlich (eine |)überdosis", "überdosis mit absicht"),
    "nl": ("expres (een |)overdosis",),
    "pt": ("(overdose|sobredose) de propósito", "de propósito uma overdose"),
}

# Beside a topic word, these make it urgent: "help hes od", "quick shes od". So does
# shouting ("ELLE FAIT UNE OD LA", "od in the flat NOW"). Not plain "now": "how much is
# safe now I'm out" is a question. A topic word with either is a sign of danger.
URGENT: frozenset[str] = frozenset(
    """
    rn quick quickly hurry asap help ambulance emergency urgent 999 911 112
    vite urgence secours samu pompiers aide aidez
    schnell sofort notarzt notruf hilfe rettungswagen
    snel dringend hulp
    socorro rapido ambulancia inem urgente ajuda
    """.split()
)

# Capitals that are names, not shouting: "a report on overdoses in the USA".
ACRONYMS: frozenset[str] = frozenset(
    "usa uk eu ue eua bbc itv nhs cnn rtl rtp sic tvi ard zdf vrt nos rtbf onu un who oms ok"
    " dwp gp po tv dvd bmx fc".split()
)

# A topic word with an urgent word is a sign of danger, unless the message is about a time
# long gone: "she od'd last year, the ambulance got her back" is a story, not a call. A
# year is one too ("hatte 2017 ne überdosis, notarzt kam"): see _YEAR. A sign of danger
# beside it still counts ("hes not breathing, he had an od last year too").
PAST: tuple[str, ...] = (
    "last year",
    "last month",
    "years ago",
    "year ago",
    "months ago",
    "years back",
    "back in the day",
    "when i was younger",
    "when i was a kid",
    "the first time i",
    "in 2019",
    "in 2020",
    "in 2021",
    "in 2022",
    "in 2023",
    "in 2024",
    "in 2025",
    "l'an dernier",
    "l'année dernière",
    "il y a des années",
    "il y a deux ans",
    "il y a un an",
    "letztes jahr",
    "letzten monat",
    "vor jahren",
    "vor einem jahr",
    "vor zwei jahren",
    "vorig jaar",
    "vorige maand",
    "jaren geleden",
    "een jaar geleden",
    "twee jaar geleden",
    "no ano passado",
    "ano passado",
    "o ano passado",
    "há anos",
    "há um ano",
    "há dois anos",
    "o mês passado",
    "à l'époque",
    "autrefois",
    "damals",
    "früher mal",
    "vor langer zeit",
    "lang geleden",
    "vroeger",
    "antigamente",
    "há muito tempo",
    "já foi há",
    "mês passado",
)

# Jokes and fiction: a crisis phrase beside "lol" or in a football threat ("if spurs lose
# again im gonna jump off a bridge lol"), any phrase about a film or a series ("the blue
# lips on that zombie show were so fake"). Such a hit is a topic hit: the card unless Rasa
# clearly reads something else. Not with an urgent word, nor "not joking".
JOKES: frozenset[str] = frozenset(
    "lol lool lolz lmao lmfao rofl haha hahah hahaha hehe hehehe jk jking mdr ptdr xd kkk kkkk"
    " kkkkk rsrs".split()
)
NOT_JOKING: tuple[str, ...] = (
    "not joking",
    "no joke",
    "not kidding",
    "im serious",
    "i'm serious",
    "i am serious",
    "seriously though",
    "not a joke",
    "je rigole pas",
    "sans rire",
    "kein witz",
    "kein scherz",
    "geen grap",
    "não é brincadeira",
    "sem brincadeira",
)
# A football threat: "if" + a team (one or two words, not "i", "my", "we") + "lose".
IF_WORDS: frozenset[str] = frozenset("if si wenn falls als se".split())
LOSE_WORDS: frozenset[str] = frozenset(
    "lose loses lost bottle bottles relegated perd perdent perdre verliert verlieren absteigt"
    " verliest verliezen perde perder perderem".split()
)
NOT_A_TEAM: frozenset[str] = frozenset(
    "i me my we our you your she he her his they their it je j mon ma mes on nous il elle ils"
    " elles lui tu ich mein meine wir er sie es du ik mijn we wij hij zij ze het jij eu meu"
    " minha nos ele ela eles elas voce".split()
)
FICTION: frozenset[str] = frozenset(
    "film films movie movies netflix episode episodes series serie series filme filmes novela"
    " novelas aflevering folge doku documentary documentaire documentario zombie zombies"
    " cinema kino bioscoop song songs lyrics chanson chansons lied lieder liedje liedjes"
    " música musica canção cancao".split()
)
FICTION_PAIRS: tuple[str, ...] = (
    "that show",
    "the show",
    "this show",
    "tv show",
    "on tv",
    "on telly",
    "on the telly",
    "in the game",
    "that game",
    "à la télé",
    "im fernsehen",
    "op tv",
    "na tv",
    "na televisão",
    # Not a film but a course or plain curiosity: "what do blue lips mean, just curious".
    "just curious",
    "only curious",
    "first aid course",
    "first aid training",
    "par curiosité",
    "formation premiers secours",
    "aus neugier",
    "erste hilfe kurs",
    "uit nieuwsgierigheid",
    "ehbo cursus",
    "por curiosidade",
    "curso de primeiros socorros",
)

# Real words one typo away from a phrase word, that must never be "corrected" into it.
# Found by running every word of the Debian word lists (wbritish, wfrench, wngerman, wdutch,
# wportuguese, wbrazilian) through the fuzzy matcher and keeping those that could make a
# false alarm in a real sentence ("handing myself in" is not "hanging myself").
NO_FUZZ: frozenset[str] = frozenset(
    """
    overdoes overdone overdoing overdoe overdoen overdoet collapse collapses doing dozing
    stopping waiting playing paying sharing shaming shaping shading robbed robbing punched
    punching snapped swapped slipped mowing moping mooing pesado starting starring stating stayed
    staying stored string strich strict struck stick salvar
    doping breaching reaching loving liking handing gargling walking talking onding
    prendre perdre peindre pondre creer pleine livres lievres
    lieben treten auffangen aushangen erlangen ritten rotzen riten ritmen ritzel lappen
    streben bringt bringen
    rijzen ritsen opvangen omhangen vervangen verlangen streven doorgaan opbrengen
    aborda abordar acordo morder contar esforcar enfocar
    """.split()
)

# Words that, when skipped as the "one extra word", would flip the meaning.
GAP_NEGATIONS: frozenset[str] = frozenset(
    "not never dont pas jamais nicht nie kein keine niet nooit geen nao nunca nem".split()
)

# Clues for telling languages apart when a phrase ("overdose", "od") exists in several
# and the caller gave no usable `prefer`.
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and is he she my i im not to of it you help please what this".split()),
    "fr": frozenset("le la les il elle est et je pas ne mon ma un une des que qui aide au".split()),
    "de": frozenset("der die das und ist er sie ich nicht mein meine ein eine hilfe bitte".split()),
    "nl": frozenset("het en hij zij ik niet mijn een van wat hulp alsjeblieft met ze".split()),
    "pt": frozenset("o os e ele ela eu nao meu minha um uma que ajuda esta com ta".split()),
}

MAX_CHARS = 16_384  # Telegram caps text at 4096; a hard bound keeps the worst case small.

# --------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Detection:
    """Result of :func:`detect`. `phrase` comes from the lists above, never from user text."""

    overdose: bool
    crisis: bool  # suicidal intent / self-harm
    language: str  # language of the phrase that matched
    phrase: str  # the phrase that matched, as written in the lists (for logs)
    topic: bool = False  # only topic words matched ("od", "suicide"): see the ~ syntax
    past: bool = False  # a topic hit in a story of long ago ("I overdosed in 2019")


# --------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ı": "i"})
_MARKS = re.compile("[\u0300-\u036f]")  # combining accents left behind by NFKD
_WORD = re.compile(r"[^\W_]+")  # letters and digits; emojis and punctuation split words
_CLAUSES = re.compile(r"[.!?;:,\n]+")  # "No, I want to die": a negation does not cross these
# "won't" / "won t": the apostrophe splits the word, so glue "n" + "t" back into "wont".
_NT = re.compile(r"n[\s'’‘ʼ′`]+t\b")
_RUN = re.compile(r"([^\W\d_])\1{2,}")  # the same letter 3+ times
_UMLAUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def _fold(text: str) -> str:
    """Lower case, no accents, ligatures spelled out (ß->ss via casefold)."""
    text = text.casefold()
    if text.isascii():  # the common case: skip the slower Unicode steps
        return text
    return _MARKS.sub("", unicodedata.normalize("NFKD", text.translate(_LIGATURES)))


def _tokens(text: str) -> tuple[list[str], list[bool]]:
    """Tokens, and whether a clause break comes just before each one."""
    text = _NT.sub("nt", _fold(text[:MAX_CHARS]))
    toks: list[str] = []
    broken: list[bool] = []
    for clause in _CLAUSES.split(text):  # findall per clause keeps the loop in C
        words = _WORD.findall(clause)
        if words:
            toks += words
            broken.append(True)
            broken += [False] * (len(words) - 1)
    return toks, broken


def normalise(text: str) -> list[str]:
    """Tokens as the detector sees them: folded, accent-free, "won't" -> "wont",
    letter runs of 3+ cut to 2 ("heeelp" -> "heelp"); punctuation and emojis dropped."""
    if not isinstance(text, str):
        return []
    return [_RUN.sub(r"\1\1", tok) for tok in _tokens(text)[0]]


# --------------------------------------------------------------------------------------
# Building the tables (import time)
# --------------------------------------------------------------------------------------


_Blockers = tuple[tuple[str, ...], ...]  # word sequences from a !(x|y z) group
_ANY = "…"  # "a ... b": no message token is ever this (the tokenizer drops punctuation)
_Key = tuple[tuple[str, ...], bool, _Blockers, _Blockers]  # what makes two spellings one


# A phrase is kept as written, as a small tree of its (a|b) groups, and matched against a
# message by walking that tree. Spelling out every combination instead gave some 330,000
# variants: ~3 s of start-up and ~175 MB held for the life of the bot (bench/scale.py).
# The walk reports exactly what the spelled-out list would: which spelling matched, and
# which came first in the lists (see _Phrase.index and the choice vector in _walk).
@dataclass(frozen=True, slots=True)
class _Group:
    number: int  # when spelling out takes this group: inner groups first, then left to right
    alts: tuple[_Seq, ...]


_Item = tuple[str, tuple[str, ...]] | _Group  # (word as written, its tokens) or a group
_Seq = tuple[_Item, ...]


@dataclass(frozen=True, slots=True, eq=False)  # compared by identity: cheap to hash
class _Phrase:
    lang: str
    index: int  # position in the lists: with the choice vector, breaks ties on every run
    body: _Seq
    groups: int  # how many (a|b) groups, nested ones included
    strict: bool  # no extra word allowed between words
    before: _Blockers  # must not come right before
    after: _Blockers  # must not come right after
    overdose: bool
    crisis: bool
    topic: bool  # only a topic word (~)
    starts: frozenset[str]  # every word a spelling can begin with


_GROUP = re.compile(r"\(([^()]*)\)")
_BEFORE = re.compile(r"^\s*!\(([^()]*)\)\s*")
_AFTER = re.compile(r"\s*!\(([^()]*)\)\s*$")
_SLOT = re.compile(r"\x00(\d+)\x00")  # where a group stood, while a phrase is parsed
_ANY_WORDS = (_ANY,)


def _alternatives(group: str | None) -> tuple[tuple[str, ...], ...]:
    """Tokens of each alternative in a !(x|y z) group."""
    if not group:
        return ()
    return tuple(tuple(_tokens(alt)[0]) for alt in group.split("|") if alt.strip())


def _surfaces(word: str) -> set[str]:
    """Spellings of one phrase word: accents stripped, and German umlauts as ae/oe/ue."""
    out = {w for w in _tokens(word)[0]}
    out.update(_tokens(word.lower().translate(_UMLAUT))[0])
    return out


_SURFACE: dict[str, str] = {}  # every accepted spelling -> canonical word
_PHRASES: list[_Phrase] = []
# Phrases are looked up by words every spelling must contain (the rarest: "breathing",
# not "not"), so a long chatty message only pays for the few phrases it could match.
_BY_ANCHOR: dict[str, list[_Phrase]] = {}
_Seen = tuple[int, tuple[int, ...], int]  # phrase, first spelling with the word, position


def _parse(body: str, index: int, seen: dict[str, _Seen]) -> tuple[_Seq, int]:
    """The tree of a phrase body, and its number of groups. Groups are numbered in the
    order in which spelling the phrase out takes them: the leftmost group with no group
    inside comes first. Also notes, in `seen`, where each word as written first appears."""
    texts: list[str] = []
    while m := _GROUP.search(body):
        texts.append(m.group(1))
        body = f"{body[: m.start()]} \x00{len(texts) - 1}\x00 {body[m.end() :]}"
    firsts: list[tuple[tuple[int, ...], str]] = []  # (path choices, word as written)

    def seq(text: str, path: dict[int, int]) -> _Seq:
        items: list[_Item] = []
        for k, piece in enumerate(_SLOT.split(text)):
            if k % 2:
                n = int(piece)
                alts = tuple(seq(alt, {**path, n: a}) for a, alt in enumerate(texts[n].split("|")))
                items.append(_Group(n, alts))
                continue
            for raw in piece.split():
                if raw == "...":
                    items.append((raw, _ANY_WORDS))
                    continue
                items.append((raw, tuple(_tokens(raw)[0])))
                firsts.append((tuple(path.get(g, 0) for g in range(len(texts))), raw))
        return tuple(items)

    tree = seq(body, {})
    for pos, (vector, raw) in enumerate(firsts):
        where = (index, vector, pos)
        if raw not in seen or where < seen[raw]:
            seen[raw] = where
    return tree, len(texts)


def _starts(body: _Seq) -> tuple[set[str], bool]:
    """Words a spelling of `body` can begin with, and whether it can be empty."""
    out: set[str] = set()
    for item in body:
        if isinstance(item, _Group):
            empty = False
            for alt in item.alts:
                words, can_be_empty = _starts(alt)
                out |= words
                empty |= can_be_empty
            if not empty:
                return out, False
        elif item[1]:
            out.add(item[1][0])
            return out, False
    return out, True


def _anchors(body: _Seq) -> frozenset[str] | None:
    """Words one of which every spelling of `body` contains, the rarest such choice (the
    longest words); None if a spelling can have none."""
    options: list[frozenset[str]] = []
    for item in body:
        if isinstance(item, _Group):
            alts = [_anchors(alt) for alt in item.alts]
            if all(alt is not None for alt in alts):
                options.append(frozenset().union(*alts))
        else:
            options.extend(frozenset((w,)) for w in item[1] if w != _ANY)
    if not options:
        return None
    return max(options, key=lambda words: (min(map(len, words)), -len(words)))


def _build() -> None:
    """Parse every phrase, file it under its anchors and fill _SURFACE."""
    seen: dict[str, _Seen] = {}
    for table, od, cr in ((OVERDOSE, True, False), (CRISIS, False, True), (BOTH, True, True)):
        for lang, specs in table.items():
            for spec in specs:
                body = spec.lstrip("~")
                before = after = None
                if m := _BEFORE.match(body):
                    before, body = m.group(1), body[m.end() :]
                if m := _AFTER.search(body):
                    after, body = m.group(1), body[: m.start()]
                tree, groups = _parse(body.lstrip("="), len(_PHRASES), seen)
                starts, _ = _starts(tree)
                phrase = _Phrase(
                    lang, len(_PHRASES), tree, groups, body.startswith("="),
                    _alternatives(before), _alternatives(after), od, cr, spec.startswith("~"),
                    frozenset(starts - {_ANY}),
                )  # fmt: skip
                _PHRASES.append(phrase)
                for anchor in _anchors(tree) or phrase.starts:
                    _BY_ANCHOR.setdefault(anchor, []).append(phrase)
    # A spelling maps to the word that first used it, in the order the lists spell out.
    for raw in sorted(seen, key=seen.__getitem__):
        toks = tuple(_tokens(raw)[0])
        if len(toks) == 1:
            for s in _surfaces(raw):
                _SURFACE.setdefault(s, toks[0])
        else:
            for t in toks:
                _SURFACE.setdefault(t, t)


_build()
_PAST: tuple[tuple[str, ...], ...] = tuple(tuple(_tokens(p)[0]) for p in PAST)
_NOT_JOKING: tuple[tuple[str, ...], ...] = tuple(tuple(_tokens(p)[0]) for p in NOT_JOKING)
_FICTION_PAIRS: tuple[tuple[str, ...], ...] = tuple(tuple(_tokens(p)[0]) for p in FICTION_PAIRS)
_YEAR = re.compile(r"(19[5-9]|20[0-2])[0-9]")  # a year: a story, not a call
_LAUGH = re.compile(r"(ha){2,}h?|(he){2,}|k{3,}|lo+l+|(rs){2,}")  # "hahaha", "kkkk", "looool"

# Fuzzy index: only words of 5+ letters take part. With one typo and the first letter
# kept, either the first two letters or the last two are untouched, so a word can only be
# near a token that shares its head (first two letters) or its first letter and tail (last
# two), and whose length is within one. _NEAR files each word under those keys for each
# token length it could match, so a token costs two dict look-ups and 0-3 comparisons.
_NEAR: dict[tuple[str | int, ...], list[str]] = {}
for _w in sorted(s for s in _SURFACE if len(s) >= 5):
    for _n in (len(_w) - 1, len(_w), len(_w) + 1):
        _NEAR.setdefault((_w[:2], _n), []).append(_w)
        _NEAR.setdefault((_w[0], _w[-2:], _n), []).append(_w)
del _w, _n


def _one_typo(tok: str, word: str) -> bool:
    """True if `tok` is `word` with one typo we trust (first letter kept)."""
    lt, lw = len(tok), len(word)
    k, m = 0, min(lt, lw)
    while k < m and tok[k] == word[k]:  # skip the common start
        k += 1
    if k == 0:
        return False
    if lt > lw:  # a letter added
        return tok[k + 1 :] == word[k:]
    if lt < lw:  # a letter left out
        return word[k + 1 :] == tok[k:]
    if k == lt or tok[k + 1 :] == word[k + 1 :]:  # the same, or a letter changed
        return lw >= 6  # in 5-letter words a changed letter too often makes another word
    # two neighbours swapped
    return tok[k] == word[k + 1] and tok[k + 1] == word[k] and tok[k + 2 :] == word[k + 2 :]


def _fuzzy(tok: str) -> set[str]:
    """Phrase words that `tok` is one trusted typo away from."""
    n = len(tok)
    by_head = _NEAR.get((tok[:2], n))
    by_tail = _NEAR.get((tok[0], tok[-2:], n))
    if by_head is None and by_tail is None:  # most tokens stop here
        return set()
    near = (by_head or []) + (by_tail or [])
    return {_SURFACE[word] for word in near if _one_typo(tok, word)}


def _unstretch(tok: str) -> Iterable[str]:
    """Undo stretching: "heelp" may be "heeelp" (help) or a real double, so try both."""
    doubles = [k for k in range(1, len(tok)) if tok[k] == tok[k - 1]][:4]
    for keep in itertools.product((True, False), repeat=len(doubles)):
        drop = {k for k, kept in zip(doubles, keep, strict=True) if not kept}
        yield "".join(c for k, c in enumerate(tok) if k not in drop)


@functools.lru_cache(maxsize=16_384)
def _resolve(tok: str) -> tuple[str, ...]:
    """Canonical phrase words this token can stand for (usually none), sorted so that the
    result never depends on set order (which changes with PYTHONHASHSEED)."""
    exact = _SURFACE.get(tok)
    if exact is not None:
        return (exact,)
    if len(set(tok)) + 2 <= len(tok) and _RUN.search(tok):  # "heeelp": a letter run
        forms = tuple(_unstretch(_RUN.sub(r"\1\1", tok)))
        found = {_SURFACE[f] for f in forms if f in _SURFACE}
    else:
        forms, found = (tok,), set()
    if not found:
        for f in forms:
            if len(f) >= 5 and f not in NO_FUZZ:
                found |= _fuzzy(f)
    return tuple(sorted(found))


# --------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------


def _blocked_before(before: _Blockers, i: int, toks: list[str], broken: list[bool]) -> bool:
    """A blocker sits right before token i, in the same clause (single words: 2 back)."""
    for seq in before:
        n = len(seq)
        start = i - n
        if start >= 0 and not any(broken[start + 1 : i + 1]) and tuple(toks[start:i]) == seq:
            return True
        if n == 1 and i >= 2 and not broken[i] and not broken[i - 1] and toks[i - 2] == seq[0]:
            return True
    return False


def _blocked_after(after: _Blockers, j: int, toks: list[str], broken: list[bool]) -> bool:
    """A blocker comes right after token j, in the same clause."""
    for seq in after:
        end = j + 1 + len(seq)
        if end <= len(toks) and not any(broken[j + 1 : end]) and tuple(toks[j + 1 : end]) == seq:
            return True
    return False


_Frames = tuple[tuple[_Seq, int], "_Frames"] | None  # what is left to match, innermost first
_Match = tuple[tuple[str, ...], tuple[tuple[int, int], ...], int]  # words, choices, last token


class _Walk:
    """All the spellings of one phrase that match a message from token i on.

    Each word is found in the next token or, unless the phrase is strict, one further on
    past a word that is not a negation; the word after "..." anywhere further on."""

    __slots__ = ("phrase", "toks", "res", "n")

    def __init__(self, phrase: _Phrase, toks: list[str], res: list[tuple[str, ...]]) -> None:
        self.phrase, self.toks, self.res, self.n = phrase, toks, res, len(toks)

    def seq(self, frames: _Frames, state: tuple[int, int, bool, tuple[str, ...]],
            choices: tuple[tuple[int, int], ...]) -> Iterator[_Match]:  # fmt: skip
        """Go on with the next item; `state` is (words matched, last token, after "...", words)."""
        while frames is not None:
            (body, at), up = frames
            if at == len(body):
                frames = up
                continue
            item, rest = body[at], ((body, at + 1), up)
            if isinstance(item, _Group):
                for a, alt in enumerate(item.alts):
                    yield from self.seq(((alt, 0), rest), state, (*choices, (item.number, a)))
            else:
                yield from self.words(item[1], 0, rest, state, choices)
            return
        k, j, pending, words = state
        if k and not pending:  # an empty spelling is no phrase
            yield words, choices, j

    def words(self, ws: tuple[str, ...], m: int, frames: _Frames,
              state: tuple[int, int, bool, tuple[str, ...]],
              choices: tuple[tuple[int, int], ...]) -> Iterator[_Match]:  # fmt: skip
        """Match ws[m:], the tokens of one word as written, then go on."""
        if m == len(ws):
            yield from self.seq(frames, state, choices)
            return
        k, j, pending, words = state
        w, res, n = ws[m], self.res, self.n
        if w == _ANY:
            if k and not pending:  # "..." first, or twice in a row, never matches
                yield from self.words(ws, m + 1, frames, (k + 1, j, True, (*words, w)), choices)
            return
        if k == 0:
            found = [j] if w in res[j] else []
        elif pending:
            found = [p for p in range(j + 1, n) if w in res[p]]
        else:
            found = [j + 1] if j + 1 < n and w in res[j + 1] else []
            if not self.phrase.strict and j + 2 < n and self.toks[j + 1] not in GAP_NEGATIONS:
                if w in res[j + 2]:
                    found.append(j + 2)
        for p in found:
            yield from self.words(ws, m + 1, frames, (k + 1, p, False, (*words, w)), choices)


def _matches(
    phrase: _Phrase, i: int, toks: list[str], res: list[tuple[str, ...]]
) -> Iterator[_Match]:
    """(words, group choices, last token) of each spelling of `phrase` found from token i."""
    return _Walk(phrase, toks, res).seq(((phrase.body, 0), None), (0, i, False, ()), ())


def _label(phrase: _Phrase, vector: tuple[int, ...]) -> str:
    """The spelling of `phrase` with these group choices, as written in the lists."""

    def spell(body: _Seq) -> Iterator[str]:
        for item in body:
            if isinstance(item, _Group):
                yield from spell(item.alts[vector[item.number]])
            else:
                yield item[0]

    return " ".join(spell(phrase.body))


def _guess_language(langs: Iterable[str], toks: list[str]) -> str:
    """Pick among `langs` by counting common words of each language in the message."""
    ordered = [lang for lang in LANGUAGES if lang in langs]
    scores = {lang: sum(t in STOPWORDS[lang] for t in toks) for lang in ordered}
    return max(ordered, key=lambda lang: scores[lang])  # ties: first in LANGUAGES


_CAPS = re.compile(r"\b[A-ZÀ-ÖØ-Þ]{2,}\b")


def _shouting(text: str, phrase: tuple[str, ...]) -> bool:
    """Capitals beyond the topic word itself: "OD IN THE FLAT", "od in the flat NOW"."""
    words = {w.lower() for w in _CAPS.findall(text[:MAX_CHARS])} - set(phrase) - ACRONYMS
    return any(len(w) >= 3 for w in words) or len(words) >= 2


def _has(toks: list[str], seqs: tuple[tuple[str, ...], ...]) -> bool:
    """One of the word sequences `seqs` occurs in `toks`."""
    return any(tuple(toks[i : i + len(seq)]) == seq for seq in seqs for i in range(len(toks)))


def _told_as_past(toks: list[str]) -> bool:
    """A time long gone ("last year", "l'an dernier", "2017"): no ambulance is coming now."""
    return _has(toks, _PAST) or any(_YEAR.fullmatch(tok) for tok in toks)


def _joking(toks: list[str]) -> bool:
    """ "lol", "hahaha", or a football threat ("if spurs lose"), and not "not joking"."""
    laugh = any(tok in JOKES or _LAUGH.fullmatch(tok) for tok in toks)
    threat = any(
        tok in IF_WORDS
        and any(
            toks[j] in LOSE_WORDS and not NOT_A_TEAM.intersection(toks[i + 1 : j])
            for j in range(i + 2, min(i + 5, len(toks)))
        )
        for i, tok in enumerate(toks)
    )
    return (laugh or threat) and not _has(toks, _NOT_JOKING)


def _fiction(toks: list[str]) -> bool:
    """About a film, a series, a show: "the blue lips on that zombie show were so fake"."""
    return any(tok in FICTION for tok in toks) or _has(toks, _FICTION_PAIRS)


_Order = tuple[int, tuple[int, ...]]  # phrase, group choices: the place in the spelled-out lists


@dataclass(slots=True)
class _Hit:
    """One spelling found in the message, merged over every phrase that spells it."""

    order: _Order  # where it is first spelled in the lists
    labels: dict[str, tuple[_Order, _Phrase]]  # language -> where it is first spelled in it
    ends: dict[int, int]  # first token -> nearest last token
    overdose: bool = False
    crisis: bool = False
    topic: bool = True  # every phrase that spells it is a topic word


def _hit(hits: dict[_Key, _Hit], phrase: _Phrase, words: tuple[str, ...],
         choices: tuple[tuple[int, int], ...], i: int, j: int) -> None:  # fmt: skip
    """File a match from token i to token j. The same words spelled by several phrases
    (in several languages, or as "cant"/"can't") are one hit, told by its first spelling."""
    vector = [0] * phrase.groups  # a group not taken counts as its first choice
    for number, a in choices:
        vector[number] = a
    order = (phrase.index, tuple(vector))
    key: _Key = (words, phrase.strict, phrase.before, phrase.after)
    hit = hits.get(key)
    if hit is None:
        hit = hits[key] = _Hit(order, {}, {})
    hit.order = min(hit.order, order)
    if phrase.lang not in hit.labels or order < hit.labels[phrase.lang][0]:
        hit.labels[phrase.lang] = (order, phrase)
    hit.ends[i] = min(hit.ends.get(i, j), j)
    hit.overdose |= phrase.overdose
    hit.crisis |= phrase.crisis
    hit.topic &= phrase.topic


def detect(text: str, prefer: str | None = None) -> Detection | None:
    """Check one message for an overdose or a suicidal crisis.

    `prefer` is the user's language; it decides which language to report when the
    matched phrase exists in several ("overdose", "od"). Returns None when nothing matched.
    """
    if not isinstance(text, str) or not text:
        return None
    toks, broken = _tokens(text)
    res = [_resolve(tok) for tok in toks]

    where: dict[str, list[int]] = {}  # phrase word -> token positions
    for i, cands in enumerate(res):
        for word in cands:
            where.setdefault(word, []).append(i)

    phrases = {phrase: None for word in where for phrase in _BY_ANCHOR.get(word, ())}
    hits: dict[_Key, _Hit] = {}
    for phrase in phrases:
        starts = sorted({i for word in phrase.starts & where.keys() for i in where[word]})
        for i in starts:
            if phrase.before and _blocked_before(phrase.before, i, toks, broken):
                continue
            for words, choices, j in _matches(phrase, i, toks, res):
                if phrase.after and _blocked_after(phrase.after, j, toks, broken):
                    continue
                _hit(hits, phrase, words, choices, i, j)

    overdose = crisis = False
    topic = True
    best: tuple[tuple[object, ...], tuple[str, ...], _Hit] | None = None
    for key, hit in hits.items():
        overdose |= hit.overdose
        crisis |= hit.crisis
        topic &= hit.topic
        for i, j in hit.ends.items():
            # Report the most urgent hit, then one in the user's language, then the
            # first, then the tightest (fewest extra words), then the earliest listed.
            gaps = j - i + 1 - len(key[0])
            rank = (not hit.overdose, prefer not in hit.labels, i, gaps, hit.order)
            if best is None or rank < best[0]:
                best = (rank, key[0], hit)
    if best is None:
        return None
    _, words, hit = best
    urgent = any(tok in URGENT for tok in toks)
    if topic and (urgent or _shouting(text, words)) and not _told_as_past(toks):
        topic = False
    elif not topic and not urgent:
        # A joke or a film: a topic hit at most, so Rasa may overrule it.
        topic = (crisis and not overdose and _joking(toks)) or _fiction(toks)
    if prefer in hit.labels:
        lang = prefer
    elif len(hit.labels) == 1:
        lang = next(iter(hit.labels))
    else:
        lang = _guess_language(hit.labels, toks)
    order, phrase = hit.labels[lang]
    return Detection(
        overdose=overdose,
        crisis=crisis,
        language=lang,
        phrase=_label(phrase, order[1]),
        topic=topic,
        past=topic and _told_as_past(toks),
    )
