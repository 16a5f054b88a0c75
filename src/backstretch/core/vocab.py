"""The fixed vocabularies every stretch file and profile speaks.

Kept as enums so that a typo in a data file is an error that lists the valid words, not a silent new category.
"""

from __future__ import annotations

from enum import StrEnum


class Region(StrEnum):
    HAMSTRINGS = "hamstrings"
    CALVES = "calves"
    HIP_FLEXORS = "hip-flexors"
    HIPS = "hips"
    GLUTES = "glutes"
    LOWER_BACK = "lower-back"
    UPPER_BACK = "upper-back"
    SIDE_BODY = "side-body"
    CHEST = "chest"
    SHOULDERS = "shoulders"
    NECK = "neck"


class Position(StrEnum):
    STANDING = "standing"
    CHAIR = "chair"
    FLOOR_SUPINE = "floor-supine"
    FLOOR_PRONE = "floor-prone"
    FLOOR_SEATED = "floor-seated"
    KNEELING = "kneeling"
    SIDE_LYING = "side-lying"


FLOOR_POSITIONS = frozenset(
    {
        Position.FLOOR_SUPINE,
        Position.FLOOR_PRONE,
        Position.FLOOR_SEATED,
        Position.KNEELING,
        Position.SIDE_LYING,
    }
)


class Equipment(StrEnum):
    NONE = "none"
    CHAIR = "chair"
    WALL = "wall"
    STRAP = "strap"
    MAT = "mat"
    CUSHION = "cushion"
    BACK_STRETCHER = "back-stretcher"


class Support(StrEnum):
    """What takes body weight besides the feet and seat, in the stretch or on the way into it."""

    HANDS = "hands"
    FOREARMS = "forearms"
    KNEES = "knees"


class Balance(StrEnum):
    """A demand on balance: what could make someone with poor balance fall."""

    SINGLE_LEG = "single-leg"  # standing on one leg, or one foot raised on a step
    SPLIT_STANCE = "split-stance"  # a long stride or lunge, feet one behind the other
    HEAD_DOWN_THEN_UP = "head-down-then-up"  # the head goes below the heart and comes back up
    KNEELING = "kneeling"  # upright on one or both knees, or stepping down to or up from kneeling


class SpinalMovement(StrEnum):
    FLEXION = "flexion"
    EXTENSION = "extension"
    ROTATION = "rotation"
    LATERAL = "lateral"
    NEUTRAL = "neutral"


class Condition(StrEnum):
    OSTEOPOROSIS = "osteoporosis"
    PREGNANCY = "pregnancy"
    HIP_REPLACEMENT = "hip-replacement"
    KNEE_REPLACEMENT = "knee-replacement"
    RECENT_SPINE_SURGERY = "recent-spine-surgery"
    FLEXION_INTOLERANT = "flexion-intolerant"
    EXTENSION_INTOLERANT = "extension-intolerant"
    BALANCE_PROBLEMS = "balance-problems"
    NECK_INJURY = "neck-injury"
    SHOULDER_INJURY = "shoulder-injury"
    WRIST_PAIN = "wrist-pain"
    CANNOT_KNEEL = "cannot-kneel"
    CANNOT_GET_TO_FLOOR = "cannot-get-to-floor"
    # Derived, never ticked by a person: Profile.effective_conditions adds it for a pregnancy past the first
    # trimester or of unknown stage. Every stretch lying on the back or the front carries it (Rule pregnancy).
    PREGNANCY_AFTER_FIRST_TRIMESTER = "pregnancy-after-first-trimester"


# Conditions a person never states: the profile derives them from other answers.
DERIVED_CONDITIONS = frozenset(
    {Condition.CANNOT_GET_TO_FLOOR, Condition.CANNOT_KNEEL, Condition.PREGNANCY_AFTER_FIRST_TRIMESTER}
)

# What pages and prompts show for each condition: plain words, never the vocabulary term.
CONDITION_LABELS: dict[Condition, str] = {
    Condition.OSTEOPOROSIS: "Osteoporosis (thin, fragile bones)",
    Condition.PREGNANCY: "Pregnancy",
    Condition.HIP_REPLACEMENT: "A hip replacement",
    Condition.KNEE_REPLACEMENT: "A knee replacement",
    Condition.RECENT_SPINE_SURGERY: "Recent spine surgery",
    Condition.FLEXION_INTOLERANT: "Back pain that is worse bending forward or sitting",
    Condition.EXTENSION_INTOLERANT: "Back pain that is worse bending backward or standing",
    Condition.BALANCE_PROBLEMS: "Problems with balance, or falls",
    Condition.NECK_INJURY: "A neck injury or neck problem",
    Condition.SHOULDER_INJURY: "A shoulder injury or shoulder problem",
    Condition.WRIST_PAIN: "Wrist pain",
    Condition.CANNOT_KNEEL: "Cannot kneel",
    Condition.CANNOT_GET_TO_FLOOR: "Cannot get down to the floor",
    Condition.PREGNANCY_AFTER_FIRST_TRIMESTER: "Pregnancy after the first three months",
}


# What pages say for a region and a position: plain words, never the vocabulary term.
REGION_WORDS: dict[Region, str] = {
    Region.HAMSTRINGS: "backs of the thighs",
    Region.CALVES: "calves",
    Region.HIP_FLEXORS: "fronts of the hips",
    Region.HIPS: "hips",
    Region.GLUTES: "buttocks",
    Region.LOWER_BACK: "lower back",
    Region.UPPER_BACK: "upper back",
    Region.SIDE_BODY: "sides of the body",
    Region.CHEST: "chest",
    Region.SHOULDERS: "shoulders",
    Region.NECK: "neck",
}
POSITION_WORDS: dict[Position, str] = {
    Position.STANDING: "standing",
    Position.CHAIR: "on a chair",
    Position.FLOOR_SUPINE: "lying on your back",
    Position.FLOOR_PRONE: "lying on your front",
    Position.FLOOR_SEATED: "sitting on the floor",
    Position.KNEELING: "kneeling",
    Position.SIDE_LYING: "lying on your side",
}
SPINE_WORDS: dict[SpinalMovement, str] = {
    SpinalMovement.FLEXION: "bends forward",
    SpinalMovement.EXTENSION: "bends backward",
    SpinalMovement.ROTATION: "twists",
    SpinalMovement.LATERAL: "bends to the side",
    SpinalMovement.NEUTRAL: "stays in its natural shape",
}
EQUIPMENT_WORDS: dict[Equipment, str] = {
    Equipment.NONE: "none",
    Equipment.CHAIR: "a chair",
    Equipment.WALL: "a wall",
    Equipment.STRAP: "a strap, belt or towel",
    Equipment.MAT: "a mat",
    Equipment.CUSHION: "a cushion",
    Equipment.BACK_STRETCHER: "a back-stretcher",
}
SUPPORT_WORDS: dict[Support, str] = {
    Support.HANDS: "your hands",
    Support.FOREARMS: "your forearms",
    Support.KNEES: "your knees",
}
BALANCE_WORDS: dict[Balance, str] = {
    Balance.SINGLE_LEG: "standing on one leg",
    Balance.SPLIT_STANCE: "a long stride with one foot behind the other",
    Balance.HEAD_DOWN_THEN_UP: "the head going below the heart and back up",
    Balance.KNEELING: "balancing on one or both knees",
}


# The references a stretch file may cite, as pages show them (never the key). Keys follow docs/clinical-facts.md
# (section 4 for SPINE-SURGERY and MCKENZIE); the last one is ours and says so.
SOURCES: dict[str, str] = {
    "A1": "American College of Sports Medicine, stretching and flexibility guidelines update, 2021",
    "A2": "Garber et al., ACSM Position Stand, Med Sci Sports Exerc 2011;43:1334",
    "A5": "Behm et al., Appl Physiol Nutr Metab 2016;41:1",
    "R4": "Giangregorio et al., Too Fit To Fracture, Osteoporos Int 2015",
    "ACOG-804": "ACOG Committee Opinion 804, Physical activity and exercise during pregnancy, 2020",
    "AAOS-THA": "Standard hip precautions after a hip replacement (posterior and anterior approach); AAOS OrthoInfo "
    "total hip exercise guide",
    "AAOS-TKA": "AAOS OrthoInfo total knee exercise guide: no kneeling on the operated knee until cleared",
    "SPINE-SURGERY": "Usual care after spine surgery: only the movements the surgical team has cleared",
    "MCKENZIE": "Directional preference (McKenzie method), a convention of clinical practice",
    "D6": "Tunwattanapong et al., Clin Rehabil 2016;30:64 (office workers' neck and shoulder stretching)",
    "BACKSTRETCH": "backstretch's own practical precaution: the stretch needs or loads what the condition limits",
}

# Conditions whose avoidance rests on a published source; the rest are practical precautions (BACKSTRETCH).
CONDITION_SOURCE: dict[Condition, str] = {
    Condition.OSTEOPOROSIS: "R4",
    Condition.PREGNANCY: "ACOG-804",
    Condition.PREGNANCY_AFTER_FIRST_TRIMESTER: "ACOG-804",
    Condition.HIP_REPLACEMENT: "AAOS-THA",
    Condition.KNEE_REPLACEMENT: "AAOS-TKA",
    Condition.RECENT_SPINE_SURGERY: "SPINE-SURGERY",
    Condition.FLEXION_INTOLERANT: "MCKENZIE",
    Condition.EXTENSION_INTOLERANT: "MCKENZIE",
}


def condition_source(condition: Condition) -> str:
    return CONDITION_SOURCE.get(condition, "BACKSTRETCH")
