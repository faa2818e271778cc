"""Model support for fuzzy dates: one declaration, three real columns, one value object.

`when = FuzzyDateField()` on a model adds the columns `when_earliest`, `when_latest` (dates,
inclusive bounds) and `when_precision`, and a descriptor so `obj.when` reads and writes a
`FuzzyDate`. Queries filter and sort on the bound columns; forms edit the value as text.
"""

from datetime import date
from typing import TYPE_CHECKING, Any, Literal, overload

from django.db import models
from django.db.models import Q

from events.fuzzydates import FuzzyDate, Precision


class FuzzyDateDescriptor:
    def __init__(self, name: str, null: bool):
        self.name = name
        self.null = null

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        earliest = getattr(instance, f"{self.name}_earliest")
        latest = getattr(instance, f"{self.name}_latest")
        precision = getattr(instance, f"{self.name}_precision")
        if earliest is None or latest is None or not precision:
            return None
        return FuzzyDate(earliest, latest, Precision(precision))

    def __set__(self, instance, value: FuzzyDate | None):
        if value is None:
            if not self.null:
                raise ValueError(f"{self.name} cannot be empty.")
            earliest = latest = None
            precision = ""
        else:
            earliest, latest, precision = value.earliest, value.latest, value.precision.value
        setattr(instance, f"{self.name}_earliest", earliest)
        setattr(instance, f"{self.name}_latest", latest)
        setattr(instance, f"{self.name}_precision", precision)


class FuzzyDateField[T: (FuzzyDate, FuzzyDate | None)]:
    """Declares a fuzzy date on a model; not a column itself (see module docstring).

    Generic only for type checkers: `obj.when` reads a `FuzzyDate`, or `FuzzyDate | None` when the
    field is declared with `null=True`. At run time the class attribute is the descriptor."""

    @overload
    def __init__(
        self: "FuzzyDateField[FuzzyDate | None]",
        verbose_name: str = "",
        *,
        null: Literal[True],
        help_text: str = "",
    ) -> None: ...
    @overload
    def __init__(
        self: "FuzzyDateField[FuzzyDate]",
        verbose_name: str = "",
        *,
        null: Literal[False] = False,
        help_text: str = "",
    ) -> None: ...
    def __init__(self, verbose_name: str = "", *, null: bool = False, help_text: str = ""):
        self.verbose_name = verbose_name
        self.null = null
        self.help_text = help_text

    def contribute_to_class(self, cls, name: str) -> None:
        label = self.verbose_name or name.replace("_", " ")
        cls.add_to_class(
            f"{name}_earliest",
            models.DateField(
                f"{label} (earliest)",
                null=self.null,
                blank=self.null,
                editable=False,
                db_index=True,
                help_text=f"Earliest day {label} can be. {self.help_text}".strip(),
            ),
        )
        cls.add_to_class(
            f"{name}_latest",
            models.DateField(
                f"{label} (latest)",
                null=self.null,
                blank=self.null,
                editable=False,
                help_text=f"Latest day {label} can be.",
            ),
        )
        cls.add_to_class(
            f"{name}_precision",
            models.CharField(
                f"{label} (precision)",
                max_length=16,
                choices=Precision.choices,
                blank=self.null,
                default="",
                editable=False,
                help_text="How precisely the source gives the date.",
            ),
        )
        setattr(cls, name, FuzzyDateDescriptor(name, self.null))
        cls._fuzzy_dates = {**getattr(cls, "_fuzzy_dates", {}), name: self}

    if TYPE_CHECKING:
        # contribute_to_class() puts a FuzzyDateDescriptor in this field's place; these describe it.
        @overload
        def __get__(self, instance: None, owner: Any) -> FuzzyDateDescriptor: ...
        @overload
        def __get__(self, instance: models.Model, owner: Any) -> T: ...
        def __get__(self, instance: models.Model | None, owner: Any) -> Any: ...
        def __set__(self, instance: models.Model, value: T) -> None: ...


def begun_by(name: str, day: date, *, prefix: str = "") -> Q:
    """Records whose fuzzy date `name` may have come by `day`. The as-of rule, written once: a
    dated record counts from its earliest possible day; until its latest possible day the pages
    say it possibly had not happened yet (`possibly_not_yet`). docs/dates.md has examples."""
    return Q(**{f"{prefix}{name}_earliest__lte": day})


def not_begun_by(name: str, day: date, *, prefix: str = "") -> Q:
    """The complement of `begun_by` for an optional date: no date yet, or none that may have
    come by `day` (written out, as a negated lookup across a join reads differently)."""
    return Q(**{f"{prefix}{name}_earliest__isnull": True}) | Q(
        **{f"{prefix}{name}_earliest__gt": day}
    )


def possibly_not_yet(latest: date | None, day: date) -> bool:
    """Whether a record counted on `day` (see `begun_by`) may still not have happened then: its
    latest possible day is after `day`."""
    return latest is not None and latest > day


def fuzzy_date_constraints(name: str, *, null: bool = False) -> list[models.BaseConstraint]:
    """The database's guard for one fuzzy date: bounds in order, a known precision, a single
    day for day precision, and (when optional) all three columns empty together."""
    earliest, latest, precision = f"{name}_earliest", f"{name}_latest", f"{name}_precision"
    ordered = Q(**{f"{earliest}__lte": models.F(latest)})
    known_precision = Q(**{f"{precision}__in": Precision.values})
    one_day = ~Q(**{precision: Precision.DAY}) | Q(**{earliest: models.F(latest)})
    # Both bounds must be there: with a NULL bound the comparison is NULL, which a CHECK lets pass.
    bounded = Q(**{f"{earliest}__isnull": False, f"{latest}__isnull": False})
    present = bounded & ordered & known_precision & one_day
    if null:
        absent = Q(**{f"{earliest}__isnull": True, f"{latest}__isnull": True, precision: ""})
        condition = present | absent
    else:
        condition = present
    return [
        models.CheckConstraint(
            condition=condition, name=f"%(app_label)s_%(class)s_{name}_fuzzy_date_valid"
        )
    ]


def choice_constraint(field: str, choices: type[models.Choices], *, blank: bool = False):
    """A CheckConstraint that keeps `field` inside its vocabulary, whoever writes the row."""
    allowed = list(choices.values) + ([""] if blank else [])
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": allowed}),
        name=f"%(app_label)s_%(class)s_{field}_valid",
    )
