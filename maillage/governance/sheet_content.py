# ruff: noqa: E501 - reason: reviewable prose, one sentence per line reads better than split strings
"""The first version of the governance sheet, as reviewable text (loaded by migration 0002).

Read by elected officials: every statement here is either a rule quoted with its article or
flagged « à vérifier avec le service juridique ». Article references point to the code or the
text on Légifrance (the code's table of contents: article pages have opaque ids that change);
the décret n° 2001-495 and the ordonnance n° 2017-562 are reached through the law they apply
and the code they amended, whose Légifrance ids were checked.
Figures that move (thresholds of the commande publique, European thresholds) are deliberately not
written: they are revised every two years. After the first version, the coordination edits the
sheet from /gouvernance/ and each edit is a new `SheetVersion`; this file is not read again.
"""

CGCT = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006070633/"
CCP = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000037701019/"
CG3P = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006070299/"
CODE_COMMERCE = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000005634379/"
LOI_1947 = "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000684004/"
LOI_2000_321 = "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000215117/"
LOI_ESS_2014 = "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000029313296/"

# The comparison's rows, in reading order. Each model has one text per dimension.
DIMENSIONS = [
    ("risk", "Qui porte le risque d'exploitation"),
    ("staff", "Qui recrute, sous quel statut"),
    ("procurement", "Commande publique et mise en concurrence"),
    ("financing", "Financements possibles"),
    ("timeline", "Délai type avant l'ouverture"),
    ("attention", "Points d'attention"),
]

CHECK = "À vérifier avec le service juridique de la collectivité."

MODELS = [
    {
        "key": "regie",
        "name": "Régie directe",
        "summary": "La collectivité (commune, EPCI) exploite elle-même le lieu avec ses agents "
        "et son budget, le cas échéant dans une régie dotée de l'autonomie financière.",
        "cells": {
            "risk": "La collectivité, sur son budget : déficits et recettes sont les siens.",
            "staff": "La collectivité : agents publics (fonctionnaires ou contractuels). Pour une "
            "régie de service public industriel et commercial, les agents relèvent en principe "
            "du droit privé, sauf le directeur et le comptable public. " + CHECK,
            "procurement": "Pas de mise en concurrence pour choisir l'exploitant : la collectivité "
            "exploite elle-même. Ses achats (travaux, mobilier, prestations) suivent le Code de "
            "la commande publique.",
            "financing": "Budget de la collectivité, tarifs des usagers, emprunts. Pour les "
            "travaux, la collectivité peut solliciter la DETR et la DSIL (CGCT L2334-32 et "
            "suivants, L2334-42), le FEDER selon le programme régional, et les aides de la "
            "Région et du Département.",
            "timeline": "Le plus court juridiquement : une délibération crée la régie. Le délai "
            "dépend surtout des travaux et des recrutements.",
            "attention": "Un service public industriel et commercial a un budget annexe qui doit "
            "s'équilibrer par ses recettes (CGCT L2224-1 et L2224-2). Une activité en concurrence "
            "avec des coworkings privés doit répondre à un intérêt public local et ne pas fausser "
            "la concurrence (Conseil d'État, Assemblée, 31 mai 2006, Ordre des avocats au "
            "barreau de Paris). La qualification du service (administratif ou industriel et "
            "commercial) est à vérifier avec le service juridique.",
        },
        "sources": [
            {"label": "CGCT, art. L1412-1 et L1412-2 (exploitation directe en régie)", "url": CGCT},
            {"label": "CGCT, art. L2221-1 et suivants (régies municipales)", "url": CGCT},
            {"label": "CGCT, art. L2224-1 et L2224-2 (budget des SPIC)", "url": CGCT},
        ],
    },
    {
        "key": "dsp",
        "name": "Délégation de service public (concession)",
        "summary": "La collectivité confie l'exploitation du lieu, par un contrat de concession "
        "d'une durée limitée, à un opérateur choisi après mise en concurrence.",
        "cells": {
            "risk": "Le délégataire : la concession lui transfère un risque réel lié à "
            "l'exploitation (CCP L1121-1 ; CGCT L1411-1). La collectivité peut compenser des "
            "obligations de service public qu'elle impose.",
            "staff": "Le délégataire, sous le droit du travail. En fin de contrat, la reprise du "
            "personnel par le nouvel exploitant est à vérifier avec le service juridique.",
            "procurement": "Oui : publicité et mise en concurrence selon la troisième partie du "
            "Code de la commande publique. L'assemblée délibère d'abord sur le principe de la "
            "délégation (CGCT L1411-4), après avis de la commission consultative des services "
            "publics locaux quand elle existe (CGCT L1413-1).",
            "financing": "Recettes d'exploitation du délégataire, ses fonds propres et ses "
            "emprunts ; éventuelle participation de la collectivité prévue au contrat. Les "
            "travaux peuvent rester sous maîtrise d'ouvrage publique (DETR, DSIL, FEDER pour la "
            "collectivité) ou être confiés au concessionnaire.",
            "timeline": "Plusieurs mois, souvent un an ou plus entre la délibération de principe et "
            "la signature (rédaction du cahier des charges, consultation, négociation, "
            "délibération d'attribution).",
            "attention": "Sans recettes suffisantes, il n'y a pas de risque d'exploitation à "
            "transférer : le contrat serait requalifié en marché public. La durée est limitée et "
            "justifiée par les investissements demandés (CCP L3114-7 et R3114-2). Les seuils de "
            "procédure changent régulièrement : " + CHECK,
        },
        "sources": [
            {
                "label": "Code de la commande publique, art. L1121-1 (contrat de concession)",
                "url": CCP,
            },
            {"label": "Code de la commande publique, art. L3114-7 et R3114-2 (durée)", "url": CCP},
            {
                "label": "CGCT, art. L1411-1 et suivants (délégations de service public)",
                "url": CGCT,
            },
            {
                "label": "CGCT, art. L1413-1 (commission consultative des services publics locaux)",
                "url": CGCT,
            },
        ],
    },
    {
        "key": "spl",
        "name": "Société publique locale (SPL)",
        "summary": "Une société anonyme dont le capital appartient entièrement à des collectivités "
        "(au moins deux), qui exploite le lieu pour le compte de ses actionnaires. Variantes : "
        "SEM (actionnaires privés minoritaires) et SEMOP (un opérateur choisi après mise en "
        "concurrence).",
        "cells": {
            "risk": "La société, donc ses actionnaires publics à hauteur de leurs apports et de "
            "leurs engagements.",
            "staff": "La SPL recrute ses salariés sous le droit du travail ; des agents publics "
            "peuvent y être mis à disposition ou détachés. " + CHECK,
            "procurement": "Les collectivités actionnaires peuvent lui confier le lieu sans mise "
            "en concurrence si elles exercent sur elle un contrôle analogue à celui de leurs "
            "propres services (quasi-régie : CCP L2511-1 et L3211-1). La SPL applique elle-même "
            "le Code de la commande publique à ses achats.",
            "financing": "Capital apporté par les collectivités, recettes, emprunts, "
            "rémunération prévue au contrat confié par les actionnaires.",
            "timeline": "Création longue (délibérations de chaque actionnaire, statuts, "
            "immatriculation) ; plus rapide si une SPL existante peut accueillir la collectivité "
            "comme nouvelle actionnaire.",
            "attention": "La SPL agit exclusivement pour ses actionnaires et sur leur territoire "
            "(CGCT L1531-1) : elle ne peut pas vendre ses services à d'autres collectivités. Une "
            "SEM accepte des actionnaires privés, mais ne bénéficie pas de la quasi-régie : elle "
            "doit être mise en concurrence (CGCT L1521-1 et suivants ; SEMOP : L1541-1).",
        },
        "sources": [
            {"label": "CGCT, art. L1531-1 (sociétés publiques locales)", "url": CGCT},
            {
                "label": "CGCT, art. L1521-1 et suivants (sociétés d'économie mixte locales)",
                "url": CGCT,
            },
            {"label": "CGCT, art. L1541-1 (SEM à opération unique)", "url": CGCT},
            {
                "label": "Code de la commande publique, art. L2511-1 et L3211-1 (quasi-régie)",
                "url": CCP,
            },
        ],
    },
    {
        "key": "scic",
        "name": "Société coopérative d'intérêt collectif (SCIC)",
        "summary": "Une coopérative qui associe salariés, usagers, habitants, entreprises et "
        "collectivités autour d'un projet d'intérêt collectif, une personne une voix.",
        "cells": {
            "risk": "La SCIC, société commerciale ; chaque associé à hauteur de ses parts.",
            "staff": "La SCIC emploie l'équipe sous le droit du travail ; les salariés forment "
            "obligatoirement une catégorie d'associés (loi n° 47-1775, art. 19 septies).",
            "procurement": "Entrer au capital d'une SCIC n'est pas un achat. Si la collectivité "
            "attend de la SCIC un service rémunéré répondant à ses besoins, c'est un marché "
            "public ou une concession, avec mise en concurrence. " + CHECK,
            "financing": "Parts sociales des associés (collectivités comprises, jusqu'à 50 % du "
            "capital à elles toutes), recettes, emprunts, subventions. Les excédents vont d'abord "
            "en réserves impartageables.",
            "timeline": "Plusieurs mois : réunir les associés, écrire les statuts, souscrire le "
            "capital et immatriculer la société.",
            "attention": "Les collectivités, leurs groupements et établissements publics "
            "territoriaux ne peuvent détenir ensemble plus de 50 % du capital (loi n° 47-1775, "
            "art. 19 septies). La gouvernance partagée demande de l'animation. Une collectivité "
            "associée doit délibérer pour entrer au capital.",
        },
        "sources": [
            {
                "label": "Loi n° 47-1775 du 10 septembre 1947, art. 19 quinquies et suivants (SCIC)",
                "url": LOI_1947,
            },
            {
                "label": "Loi n° 2014-856 du 31 juillet 2014 relative à l'économie sociale et solidaire",
                "url": LOI_ESS_2014,
            },
        ],
    },
    {
        "key": "association",
        "name": "Association subventionnée (convention d'objectifs)",
        "summary": "Une association porte le lieu selon son propre projet ; la collectivité la "
        "soutient par une subvention et, souvent, la mise à disposition des locaux.",
        "cells": {
            "risk": "L'association ; en pratique, son équilibre dépend souvent des subventions "
            "publiques.",
            "staff": "L'association emploie l'équipe sous le droit du travail ; des agents publics "
            "peuvent lui être mis à disposition. " + CHECK,
            "procurement": "Pas de mise en concurrence pour une subvention (loi n° 2000-321, "
            "art. 9-1) : le projet doit être à l'initiative de l'association, sans contrepartie "
            "directe pour la collectivité. Sinon, risque de requalification en marché public.",
            "financing": "Subventions de fonctionnement et d'investissement, cotisations, "
            "recettes d'activité, mécénat. Au-delà de 23 000 € par an, une convention fixe "
            "l'objet, le montant et les conditions de la subvention (loi n° 2000-321, art. 10 ; "
            "décret n° 2001-495).",
            "timeline": "Court si l'association existe : une délibération et une convention.",
            "attention": "Au-delà de 153 000 € de subventions publiques par an, l'association "
            "publie ses comptes et nomme un commissaire aux comptes (Code de commerce L612-4). "
            "Une activité devenue lucrative peut être soumise aux impôts commerciaux (à "
            "vérifier avec le service fiscal). La mise à disposition des locaux est une "
            "occupation du domaine : une convention la prévoit (CG3P L2125-1 pour la gratuité).",
        },
        "sources": [
            {
                "label": "Loi n° 2000-321 du 12 avril 2000, art. 9-1 et 10 (subvention, convention)",
                "url": LOI_2000_321,
            },
            {
                "label": "Décret n° 2001-495 du 6 juin 2001, pris pour l'application de l'article 10 de la loi n° 2000-321 (seuil de 23 000 €) : lien vers la loi appliquée",
                "url": LOI_2000_321,
            },
            {
                "label": "Code de commerce, art. L612-4 (comptes au-delà de 153 000 €)",
                "url": CODE_COMMERCE,
            },
        ],
    },
    {
        "key": "aot",
        "name": "Opérateur privé avec une convention d'occupation",
        "summary": "Un opérateur privé (entreprise, coworking) exploite le lieu à ses risques dans "
        "des locaux publics, par une convention d'occupation du domaine public (ou un bail sur "
        "le domaine privé), contre une redevance.",
        "cells": {
            "risk": "L'opérateur, entièrement ; la collectivité perçoit une redevance.",
            "staff": "L'opérateur, sous le droit du travail.",
            "procurement": "Pas de contrat de la commande publique tant que la collectivité "
            "n'achète rien. Une occupation du domaine public pour une activité économique "
            "suppose une procédure de sélection avec publicité (CG3P L2122-1-1, issu de "
            "l'ordonnance n° 2017-562) ; une manifestation d'intérêt spontanée demande une "
            "publicité préalable (L2122-1-4).",
            "financing": "Fonds propres et emprunts de l'opérateur, ses recettes. Les aides "
            "publiques à une entreprise suivent les règles des aides d'État (par exemple de "
            "minimis) et les compétences de la Région et du bloc communal (CGCT L1511-2 et "
            "L1511-3).",
            "timeline": "Quelques mois : publicité ou sélection, puis signature de la "
            "convention ; plus si des travaux sont nécessaires.",
            "attention": "L'occupation est temporaire (CG3P L2122-2), précaire et révocable (L2122-3). "
            "La redevance tient compte des avantages procurés à l'occupant (CG3P L2125-3). Si la "
            "collectivité impose un programme et rémunère l'opérateur, le montage devient un "
            "marché ou une concession.",
        },
        "sources": [
            {
                "label": "CG3P, art. L2122-1 à L2122-3 (occupation, sélection, durée, précarité)",
                "url": CG3P,
            },
            {"label": "CG3P, art. L2125-1 et L2125-3 (redevance)", "url": CG3P},
            {
                "label": "Ordonnance n° 2017-562 du 19 avril 2017 : articles L2122-1-1 à L2122-1-4 du CG3P (sélection préalable), lien vers le code",
                "url": CG3P,
            },
            {"label": "CGCT, art. L1511-2 et L1511-3 (aides aux entreprises)", "url": CGCT},
        ],
    },
]


def _score(points: int, reason: str) -> dict:
    return {"points": points, "reason": reason}


QUESTIONS = [
    {
        "key": "risque",
        "label": "Qui doit porter le risque d'exploitation du lieu ?",
        "choices": [
            {
                "key": "collectivite",
                "label": "La collectivité, pour garder la main",
                "scores": {
                    "regie": _score(
                        3,
                        "Vous acceptez de porter le risque : en régie, la collectivité exploite elle-même et assume les résultats (CGCT L1412-1 et L1412-2).",
                    ),
                    "spl": _score(
                        2,
                        "Le risque reste public : la SPL appartient entièrement à ses collectivités actionnaires (CGCT L1531-1).",
                    ),
                },
            },
            {
                "key": "partage",
                "label": "Partagé avec d'autres partenaires",
                "scores": {
                    "scic": _score(
                        3,
                        "La SCIC partage le risque entre ses associés, collectivités comprises (loi n° 47-1775, art. 19 septies).",
                    ),
                    "association": _score(
                        2,
                        "L'association porte l'exploitation ; la collectivité la soutient par une subvention encadrée par une convention (loi n° 2000-321, art. 10).",
                    ),
                    "dsp": _score(
                        1,
                        "Le délégataire porte le risque d'exploitation, la collectivité peut compenser les obligations de service public qu'elle impose.",
                    ),
                },
            },
            {
                "key": "operateur",
                "label": "Un opérateur, pas la collectivité",
                "scores": {
                    "dsp": _score(
                        3,
                        "Vous ne souhaitez pas porter le risque d'exploitation : la DSP le transfère au délégataire (CCP L1121-1).",
                    ),
                    "aot": _score(
                        3,
                        "Avec une convention d'occupation, l'opérateur exploite à ses risques et verse une redevance (CG3P L2125-1).",
                    ),
                    "scic": _score(
                        1,
                        "La SCIC porte son propre risque ; la collectivité n'y est exposée qu'à hauteur de ses parts.",
                    ),
                    "regie": _score(-2, "En régie, le risque reste entièrement à la collectivité."),
                },
            },
        ],
    },
    {
        "key": "personnel",
        "label": "La collectivité veut-elle recruter et employer l'équipe du lieu ?",
        "choices": [
            {
                "key": "oui",
                "label": "Oui",
                "scores": {
                    "regie": _score(
                        3,
                        "Vous voulez employer l'équipe : en régie, ce sont des agents de la collectivité.",
                    ),
                    "spl": _score(
                        1,
                        "La SPL recrute ses propres salariés, sous le contrôle étroit de ses collectivités actionnaires.",
                    ),
                },
            },
            {
                "key": "non",
                "label": "Non",
                "scores": {
                    "dsp": _score(2, "Le délégataire recrute et emploie l'équipe."),
                    "scic": _score(
                        2,
                        "La SCIC emploie l'équipe, et ses salariés forment une catégorie de ses associés.",
                    ),
                    "association": _score(
                        2, "L'association emploie l'équipe sous le droit du travail."
                    ),
                    "aot": _score(2, "L'opérateur emploie sa propre équipe."),
                    "regie": _score(-2, "En régie, l'équipe est employée par la collectivité."),
                },
            },
            {"key": "indifferent", "label": "Sans préférence", "scores": {}},
        ],
    },
    {
        "key": "porteur",
        "label": "Un acteur local est-il prêt à porter le lieu ?",
        "choices": [
            {
                "key": "association",
                "label": "Oui, une association",
                "scores": {
                    "association": _score(
                        3,
                        "Une association locale existe : une convention d'objectifs lui permet de porter le lieu avec le soutien public (loi n° 2000-321, art. 10).",
                    ),
                    "scic": _score(
                        2,
                        "L'association peut devenir associée d'une SCIC aux côtés de la collectivité et des usagers.",
                    ),
                },
            },
            {
                "key": "entreprise",
                "label": "Oui, une entreprise ou un coworking",
                "scores": {
                    "aot": _score(
                        3,
                        "Un opérateur privé existe : une convention d'occupation, attribuée après publicité (CG3P L2122-1-1), peut lui confier les locaux.",
                    ),
                    "dsp": _score(
                        2,
                        "L'opérateur peut candidater à la concession, mais la collectivité ne peut pas le choisir sans mise en concurrence.",
                    ),
                },
            },
            {
                "key": "aucun",
                "label": "Non, personne pour l'instant",
                "scores": {
                    "regie": _score(
                        2,
                        "Personne ne porte le projet : la régie permet à la collectivité d'ouvrir sans attendre un opérateur.",
                    ),
                    "dsp": _score(
                        1,
                        "La mise en concurrence d'une concession peut attirer un opérateur venu d'ailleurs.",
                    ),
                    "spl": _score(
                        1,
                        "Une SPL existante dont la collectivité deviendrait actionnaire pourrait porter le lieu.",
                    ),
                },
            },
        ],
    },
    {
        "key": "delai",
        "label": "Dans quel délai le lieu doit-il ouvrir ?",
        "choices": [
            {
                "key": "moins_un_an",
                "label": "Moins d'un an",
                "scores": {
                    "regie": _score(
                        2,
                        "La régie ne demande qu'une délibération ; le délai dépend surtout des travaux et des recrutements.",
                    ),
                    "association": _score(
                        2,
                        "Une convention avec une association déjà constituée peut être signée rapidement.",
                    ),
                    "aot": _score(
                        1,
                        "Une convention d'occupation demande une publicité préalable, souvent plus courte qu'une concession.",
                    ),
                    "dsp": _score(
                        -2,
                        "Une concession suppose une mise en concurrence et des délibérations successives : souvent un an ou plus.",
                    ),
                    "spl": _score(
                        -1,
                        "Créer une SPL demande les délibérations de chaque actionnaire, des statuts et une immatriculation.",
                    ),
                    "scic": _score(
                        -1,
                        "Constituer une SCIC prend du temps : réunir les associés, écrire les statuts, immatriculer.",
                    ),
                },
            },
            {
                "key": "un_an_ou_plus",
                "label": "Un an ou plus",
                "scores": {
                    "dsp": _score(
                        1, "Un an ou plus laisse le temps d'une procédure de concession."
                    ),
                    "spl": _score(
                        1,
                        "Un an ou plus laisse le temps de créer une SPL ou d'entrer au capital d'une SPL existante.",
                    ),
                    "scic": _score(
                        1, "Un an ou plus laisse le temps de réunir les associés d'une SCIC."
                    ),
                },
            },
        ],
    },
    {
        "key": "recettes",
        "label": "Le lieu aura-t-il des recettes commerciales importantes, en concurrence avec des coworkings privés ?",
        "choices": [
            {
                "key": "importantes",
                "label": "Oui, importantes",
                "scores": {
                    "dsp": _score(
                        2,
                        "Des recettes importantes rendent une concession viable : le délégataire se rémunère par l'exploitation (CCP L1121-1).",
                    ),
                    "aot": _score(
                        2,
                        "Un opérateur privé exploite l'activité commerciale à ses risques, sans que la collectivité intervienne sur le marché.",
                    ),
                    "scic": _score(
                        2,
                        "La SCIC est une société commerciale : elle vend des services tout en poursuivant l'intérêt collectif (loi n° 47-1775, art. 19 quinquies).",
                    ),
                    "regie": _score(
                        -1,
                        "En régie, une activité commerciale face à des coworkings privés doit répondre à un intérêt public local (CE, 31 mai 2006, Ordre des avocats au barreau de Paris).",
                    ),
                    "association": _score(
                        -1,
                        "Une association dont l'activité devient lucrative peut être soumise aux impôts commerciaux (à vérifier avec le service fiscal).",
                    ),
                },
            },
            {
                "key": "modestes",
                "label": "Quelques recettes, surtout des services non marchands",
                "scores": {
                    "association": _score(
                        2,
                        "L'activité est surtout non lucrative : le modèle associatif subventionné lui convient.",
                    ),
                    "regie": _score(
                        1,
                        "Un service public en régie, financé surtout par le budget, est envisageable.",
                    ),
                    "scic": _score(
                        1, "La SCIC peut combiner quelques recettes et des subventions."
                    ),
                },
            },
            {
                "key": "aucune",
                "label": "Non, l'accès sera gratuit ou presque",
                "scores": {
                    "regie": _score(
                        2,
                        "Sans recettes, le lieu dépend du budget public : la régie est la forme la plus directe.",
                    ),
                    "association": _score(
                        2, "Sans recettes, une association subventionnée est une forme habituelle."
                    ),
                    "dsp": _score(
                        -2,
                        "Sans recettes d'exploitation, il n'y a pas de risque à transférer : le contrat serait plutôt un marché public.",
                    ),
                    "aot": _score(
                        -2,
                        "Sans recettes, un opérateur privé n'a pas de modèle économique pour occuper les locaux.",
                    ),
                },
            },
        ],
    },
    {
        "key": "capital",
        "label": "Souhaitez-vous associer plusieurs partenaires au capital (habitants, entreprises, communes) ?",
        "choices": [
            {
                "key": "partenaires_varies",
                "label": "Oui, habitants, entreprises et collectivités",
                "scores": {
                    "scic": _score(
                        3,
                        "La SCIC associe salariés, usagers, habitants, entreprises et collectivités (ces dernières jusqu'à 50 % du capital, loi n° 47-1775, art. 19 septies).",
                    ),
                    "spl": _score(
                        -1,
                        "Une SPL n'admet que des collectivités et leurs groupements au capital (CGCT L1531-1) ; une SEM accepte des actionnaires privés minoritaires.",
                    ),
                },
            },
            {
                "key": "collectivites",
                "label": "Oui, seulement des collectivités",
                "scores": {
                    "spl": _score(
                        3,
                        "Plusieurs collectivités veulent s'associer : la SPL leur appartient entièrement (au moins deux actionnaires, CGCT L1531-1).",
                    ),
                    "scic": _score(
                        1,
                        "Une SCIC peut aussi réunir plusieurs collectivités, avec d'autres catégories d'associés.",
                    ),
                },
            },
            {
                "key": "non",
                "label": "Non",
                "scores": {
                    "regie": _score(
                        1, "Sans partenaires au capital, la collectivité peut agir seule en régie."
                    ),
                    "association": _score(1, "Une association ne demande pas d'apport en capital."),
                    "aot": _score(1, "L'opérateur apporte ses propres fonds."),
                    "dsp": _score(
                        1,
                        "Le délégataire finance l'exploitation et, si le contrat le prévoit, les investissements.",
                    ),
                },
            },
        ],
    },
    {
        "key": "investissement",
        "label": "Quelle est l'ampleur de l'investissement (travaux, équipement) ?",
        "choices": [
            {
                "key": "faible",
                "label": "Faible (moins de 100 000 €)",
                "scores": {
                    "association": _score(
                        1,
                        "Un investissement modeste peut être financé par une subvention d'investissement à l'association.",
                    ),
                    "regie": _score(
                        1,
                        "Un investissement modeste reste à la portée du budget de la collectivité.",
                    ),
                },
            },
            {"key": "moyen", "label": "Moyen (100 000 € à 1 million d'euros)", "scores": {}},
            {
                "key": "important",
                "label": "Important (plus d'un million d'euros)",
                "scores": {
                    "dsp": _score(
                        2,
                        "Un investissement important peut être confié au concessionnaire et amorti sur la durée du contrat (CCP L3114-7 et R3114-2).",
                    ),
                    "spl": _score(
                        2,
                        "Une SPL peut porter des investissements importants pour ses actionnaires et emprunter.",
                    ),
                    "regie": _score(
                        1,
                        "En maîtrise d'ouvrage publique, la collectivité peut solliciter DETR, DSIL et FEDER pour ses travaux.",
                    ),
                    "association": _score(
                        -1,
                        "Une association porte difficilement un investissement immobilier important ; la collectivité en reste souvent maître d'ouvrage.",
                    ),
                },
            },
        ],
    },
]


def initial_content() -> dict:
    """The sheet's first version as stored in `SheetVersion.content`."""
    return {
        "dimensions": [{"key": key, "label": label} for key, label in DIMENSIONS],
        "models": MODELS,
        "questions": QUESTIONS,
    }
