"""Reference data of the CEP landscape, loaded by a data migration.

The regions are the 18 regions of France (13 metropolitan, 5 overseas) with
their INSEE codes. The operators are the five national networks under their
current names; regional operators selected by France compétences are added
by the platform manager.
"""

REGIONS = [
    # (INSEE code, name, overseas)
    ("84", "Auvergne-Rhône-Alpes", False),
    ("27", "Bourgogne-Franche-Comté", False),
    ("53", "Bretagne", False),
    ("24", "Centre-Val de Loire", False),
    ("94", "Corse", False),
    ("44", "Grand Est", False),
    ("32", "Hauts-de-France", False),
    ("11", "Île-de-France", False),
    ("28", "Normandie", False),
    ("75", "Nouvelle-Aquitaine", False),
    ("76", "Occitanie", False),
    ("52", "Pays de la Loire", False),
    ("93", "Provence-Alpes-Côte d'Azur", False),
    ("01", "Guadeloupe", True),
    ("02", "Martinique", True),
    ("03", "Guyane", True),
    ("04", "La Réunion", True),
    ("06", "Mayotte", True),
]

NATIONAL_OPERATORS = [
    # (slug, name, former name, email domains)
    ("apec", "Apec", "", ["apec.fr"]),
    ("france-travail", "France Travail", "Pôle emploi", ["francetravail.fr"]),
    ("missions-locales", "Missions locales", "", []),
    ("cap-emploi", "Cap emploi", "", []),
    ("transitions-pro", "Transitions Pro", "Fongecif / Opacif", []),
]
