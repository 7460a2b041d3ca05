"""Reference registries of real facts (organisations, places, topics, NSI sectors, funders).

The CSV files live in ``data/reference/`` (see its README for columns and sources). This
package loads them once, validates them, and offers resolvers that map messy free-text
names onto the registry ids:

* :func:`normalise_name` - the one normalisation used for every name key;
* :class:`OrganisationResolver` - exact / alias / fuzzy (rapidfuzz) resolution of
  organisation names, never guessing between two close candidates;
* :class:`ProvinceResolver` - Chinese province-level units from pinyin, Chinese, ISO
  3166-2, GB/T short codes, adcodes, or (when blank) from the city;
* :class:`FunderResolver` / :func:`resolve_funder` - funders, same rules as organisations;
* :func:`classify_research_area` - the rule semantics of ``research_area_rules.csv``.

The reference directory defaults to ``<repo>/data/reference`` and can be overridden with
the ``PIPELINE_REFERENCE_DIR`` environment variable or a ``ref_dir`` argument.

Submodules, by subject: :mod:`~pipeline.registries.base` (directory, reading, validation,
errors), :mod:`~pipeline.registries.names` (name keys and the name index),
:mod:`~pipeline.registries.organisations`, :mod:`~pipeline.registries.places` (provinces,
cities), :mod:`~pipeline.registries.topics` (topics, NSI sectors, rules) and
:mod:`~pipeline.registries.funders`. Import the public names from this package.
"""

from __future__ import annotations

from pipeline.registries import funders, organisations, places, topics
from pipeline.registries.base import (
    ALIAS_SEP,
    REFERENCE_DIR,
    ReferenceDataError,
    read_cached,
    reference_dir,
    split_aliases,
)
from pipeline.registries.funders import FunderResolver, load_funders, resolve_funder
from pipeline.registries.names import Resolution, normalise_name
from pipeline.registries.organisations import (
    ORG_TYPES,
    UK_NATIONS,
    OrganisationResolver,
    get_organisation_resolver,
    load_organisations,
)
from pipeline.registries.places import (
    PROVINCE_KINDS,
    ProvinceResolver,
    get_province_resolver,
    load_cities,
    load_provinces,
)
from pipeline.registries.topics import (
    DISCIPLINE_GROUPS,
    RULE_KINDS,
    UNCLASSIFIED,
    AreaClassification,
    classify_research_area,
    load_nsi_sectors,
    load_rules,
    load_topics,
    topics_mentioned,
)

__all__ = [
    "ALIAS_SEP",
    "DISCIPLINE_GROUPS",
    "ORG_TYPES",
    "PROVINCE_KINDS",
    "REFERENCE_DIR",
    "RULE_KINDS",
    "UK_NATIONS",
    "UNCLASSIFIED",
    "AreaClassification",
    "FunderResolver",
    "OrganisationResolver",
    "ProvinceResolver",
    "ReferenceDataError",
    "Resolution",
    "classify_research_area",
    "clear_caches",
    "get_organisation_resolver",
    "get_province_resolver",
    "load_cities",
    "load_funders",
    "load_nsi_sectors",
    "load_organisations",
    "load_provinces",
    "load_rules",
    "load_topics",
    "normalise_name",
    "reference_dir",
    "resolve_funder",
    "split_aliases",
    "topics_mentioned",
]


def clear_caches() -> None:
    """Forget every cached file and default resolver (after editing the CSVs in place)."""
    read_cached.cache_clear()
    funders._default_funder_resolver.cache_clear()
    organisations._default_org_resolver.cache_clear()
    places._default_province_resolver.cache_clear()
    topics._compiled_rules.cache_clear()
