"""The words that attribute: reporting verbs, position verbs, and the frames that name a holder.

A news sentence gives a source its words ("said", "warned") or narrates its
position ("branded the move hypocrisy", "came under fire from the union").
The label scheme gives both to the holder (annotations/GUIDELINES.md, "the
holder's view"), so the finder needs both lists. Forms are listed in full
rather than inflected by rule: "reports", "comments" or "back" are nouns or
adverbs far more often than verbs, and a list shows exactly what matches.

Nothing here is tied to one article: these are general English news verbs.
"""

from __future__ import annotations

#: Verbs that report speech or writing.
SPEECH_VERBS: tuple[str, ...] = tuple(
    """
    say says said saying tell tells told telling add adds added adding warn warns warned warning claims
    claimed claiming deny denies denied denying stated stating ask asks asked asking argue argues
    argued arguing insist insists insisted insisting predict predicts predicted predicting confirm confirms
    confirmed confirming questioned questioning explain explains explained explaining
    admit admits admitted admitting acknowledge acknowledges acknowledged
    complain complains complained complaining urge urges urged respond responds responded reply replies
    replied commented maintain maintains maintained contend contends contended stressed emphasise emphasised
    emphasize emphasized concede concedes conceded promised pledged vowed write writes wrote written estimated
    suggest suggests suggested reveal reveals revealed assure assures assured reassure reassures reassured
    reported discussed discusses echoed echoes believe believes fear cited cites assert asserts asserted
    asserting states
    """.split()
)

#: Verbs that narrate a position: the subject holds the view the sentence reports.
POSITION_VERBS: tuple[str, ...] = tuple(
    """
    accuse accuses accused accusing criticise criticises criticised criticising criticize criticizes
    criticized criticizing dismiss dismisses dismissed reject rejects rejected agree agrees agreed disagree
    disagrees disagreed defend defends defended defending describe describes described backed backs
    supported supports endorsed endorses opposed opposes welcomed welcomes condemned condemns attacked
    praised praises branded brands labelled labeled slammed slams blasted blasts lashed lashes castigated
    castigating castigates hailed hails rebutted rebuts protested campaigned lobbied demanded justified
    justifies vetoed vetoes vow vows vowing denounced denounces deplored decried lamented
    applauded blamed blames proposed proposes hinted hints congratulated congratulates
    prohibited prohibits banned bans barred bars restricted restricts announced announces portray portrays portrayed
    portraying
    disputed disputes contested contests refuted refutes
    """.split()
)

#: Present-tense verbs a headline uses for a holder's position ("Unions vow to fight ...").
HEADLINE_VERBS: tuple[str, ...] = tuple(
    """
    vow vows praise praises support supports back backs defend defends slam slams lash lashes attack attacks
    reject rejects welcome welcomes hint hints criticise criticises criticize criticizes warn warns oppose
    opposes blast blasts deny denies say says urge urges fear fears demand demands pledge pledges promise
    promises rebut rebuts condemn condemns hail hails rule rules bars bans restricts vetoes advocates advocate
    prohibits drops
    """.split()
)

#: Multi-word and restricted cues (a verb that only reports speech or a position in this frame).
PHRASE_CUES: tuple[str, ...] = (
    r"raised? (?:concerns?|fears?|questions?|doubts?)",
    r"raises (?:concerns?|fears?|questions?|doubts?)",
    r"express(?:ed|es)?",
    r"voic(?:ed|es|e|ing) (?:(?:their|his|her|its|our|serious|grave) )?"
    r"(?:concerns?|fears?|doubts?|support|opposition|anger|dismay)",
    r"(?:would|could|will) not (?:comment|confirm|say|elaborate|discuss)",
    r"(?:would|could|will) neither (?:comment|confirm|deny|say|discuss)",  # "... neither confirm X nor comment"
    r"hit(?:s)? (?:back|out)",
    r"continued(?=\s*[.,!?])",
    r"sp(?:oke|eaks?) out",
    r"point(?:ed|s)? out",
    r"call(?:ed|s|ing)? (?:for|on)",
    r"call(?:ed|s)? (?:the|this|that|these|their|its) (?:move|decision|plans?|proposals?|deal|cuts?|announcement)",
    r"react(?:ed|s)? (?:angrily|furiously|furoiusly|with|badly|sharply|strongly)",
    r"(?:sought|seeks?|seeking) (?:assurances?|guarantees?|clarification)",
    r"(?:refused|refuses|declined|declines) to (?:comment|confirm|deny|say|discuss|guarantee|give|rule|be drawn)",
    r"(?:announced|announces|believed|feared|fears|understood|understands|knows?|thinks?|thought) that",
    r"sent (?:us|me|the \w+|\w+) (?:this|a|the following|the) statement",
    r"indicat(?:ed|es) that",
    r"estimates? that",  # "analysts estimate that ...": "estimates" alone is a noun more often than a verb
    # an act of authority whose content restricts the work ("signed an executive order restricting ...")
    r"sign(?:ed|s)? (?:an?|the) (?:executive )?(?:order|bill|law|measure)"
    r"(?= (?:that (?:will )?(?:restricts?|bans?|bars?|prohibits?|limits?|protects?)"
    r"|to (?:restrict|ban|bar|prohibit|limit)|restricting|banning|barring|prohibiting|limiting)\b)",
    r"forecasts? that|forecast(?= \w+ (?:would|will|could)\b)",
    # a holder's state of mind about the move: "the union is furious at", "remains committed to"
    r"(?:is|are|was|were|remains?|remained|(?:has|have) been) (?:\w+ly )?(?:furious|angry|outraged|incensed|"
    r"concerned|worried|disappointed|dismayed|unhappy|opposed|committed)(?= (?:at|about|by|over|that|to|with)\b)",
    r"(?:issued|released|published) (?:a|this|the following) statement",
)

#: Past participles whose by-agent holds the position: "the plan was criticised by the union".
BY_AGENT_VERBS: tuple[str, ...] = tuple(
    """
    criticised criticized condemned slammed attacked welcomed praised backed supported opposed rejected
    expressed voiced branded questioned challenged hailed blasted castigated denounced defended endorsed
    applauded raised described dismissed accused killed blocked vetoed
    """.split()
)

#: Nouns of a reaction whose holder follows "from": "drew criticism from X", "came under fire from X".
REACTION_NOUNS: tuple[str, ...] = tuple(
    """
    criticism condemnation praise reaction response protest protests anger opposition fire attack backlash
    rebuke complaints complaint pressure outrage support
    """.split()
)

#: Verbs of a reaction narrated through its cause, the holder being the object: "the move angered the
#: union", "plan upsets workers". Only transitive forms; "was upset" / "were worried" are the holder's own
#: state and are read elsewhere (or not at all).
EXPERIENCER_VERBS: tuple[str, ...] = tuple(
    """
    angered angers angering upset upsets upsetting alarmed alarms alarming dismayed dismays
    infuriated infuriates infuriating outraged outrages incensed incenses enraged enrages
    """.split()
)

#: Nouns of a feeling whose holders follow "among": "raised concerns among staff", "fears among members of X".
CONCERN_NOUNS: tuple[str, ...] = tuple(
    """
    concern concerns fear fears worry worries anger alarm anxiety unease disquiet
    """.split()
)
