from .taxonomy import (
    Language,
    MunicipalDistrict,
    OrganisationType,
    ServiceCategory,
    SupportType,
    TargetGroup,
    TaxonomyTerm,
    ThematicArea,
    in_source_locale,
    main_categories_in_source_locale,
    subcategories_in_source_locale,
)

__all__ = [
    "Language",
    "MunicipalDistrict",
    "OrganisationType",
    "ServiceCategory",
    "SupportType",
    "TargetGroup",
    "TaxonomyTerm",
    "ThematicArea",
    "in_source_locale",
    "main_categories_in_source_locale",
    "subcategories_in_source_locale",
]
