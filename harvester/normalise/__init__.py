"""Field normalisation shared by every crosswalk: dates, identifiers, types, names.

Modules: :mod:`~harvester.normalise.dates` (ISO 8601 at source precision),
:mod:`~harvester.normalise.identifiers` (DOI/ARK/ISBN/handle/URN/ISSN/URL, landing page),
:mod:`~harvester.normalise.types` (DCMI Type), :mod:`~harvester.normalise.names`
(joined creator strings), :mod:`~harvester.normalise.fields` (fill a record's normalised
fields from its raw ones). Languages are in :mod:`harvester.languages`, licences in
:mod:`harvester.licences`.
"""

from harvester.normalise.dates import normalise_date, pick_issued
from harvester.normalise.fields import bcp47_tags, normalise_fields, normalised_fields
from harvester.normalise.identifiers import choose_landing, classify_all, classify_identifier
from harvester.normalise.names import split_names
from harvester.normalise.types import dcmi_types

__all__ = [
    "bcp47_tags", "choose_landing", "classify_all", "classify_identifier", "dcmi_types",
    "normalise_date", "normalise_fields", "normalised_fields", "pick_issued", "split_names",
]
