"""Template helpers for accessible forms and navigation.

``error_summary`` lists a bound form's errors, each pointing at the control it belongs to, for
the summary the form_fields partial shows at the top of a form that failed; ``nav_current``
marks the entry of the navigation that leads to the page shown; ``active_filters`` counts the
fields of a list's filters set to something else than their default, for the fold that keeps
them out of the way on a phone (open when one is set, so that what narrows the list shows).
"""

from __future__ import annotations

from typing import cast

from django import forms, template
from django.utils.html import format_html

register = template.Library()


def control_id(field) -> str:
    """The id of the control a summary link should reach for ``field`` (a BoundField).

    A group of radios or checkboxes (and any widget drawn as a fieldset) has no element of its
    own id: its first input carries ``<id>_0``. A widget given an explicit id keeps it, and a
    field its page draws by hand names its control in the form's ``error_targets``.
    """
    drawn_by_hand = getattr(field.form, "error_targets", {}).get(field.name)
    if drawn_by_hand:
        return drawn_by_hand
    widget_id = field.field.widget.attrs.get("id") or field.auto_id
    if not widget_id:
        return ""
    return f"{widget_id}_0" if field.use_fieldset else widget_id


@register.filter
def error_summary(form) -> list[dict]:
    """Every error of ``form``: the form's own ones first (no link), then each field's."""
    # A page may include the partial with no form at all (a variable it lacks): nothing to list.
    if not getattr(form, "is_bound", False) or not form.errors:
        return []
    entries = [{"href": "", "label": "", "message": message} for message in form.non_field_errors()]
    for field in form:
        if field.is_hidden:
            # A hidden field has no control to reach; its message still counts.
            entries += [{"href": "", "label": "", "message": message} for message in field.errors]
            continue
        target = control_id(field)
        entries += [{"href": f"#{target}" if target else "", "label": field.label, "message": message}
                    for message in field.errors]
    return entries


@register.filter
def summary_id(form) -> str:
    """An id for the summary box, distinct for each prefixed form of a page."""
    prefix = getattr(form, "prefix", None)
    return f"{prefix}-error-summary" if prefix else "error-summary"


@register.simple_tag(takes_context=True)
def nav_current(context, url: str) -> str:
    """` aria-current="page"` on the link to the page shown; `="true"` on the entry whose
    section holds it (a topic under « Forum »), so that one entry only is marked."""
    request = context.get("request")
    if request is None or not url or url != context.get("nav_current"):
        return ""
    return format_html(' aria-current="{}"', "page" if request.path == url else "true")


def _default_value(field) -> str:
    """What a filter field holds when nobody chose anything: its initial value, else a plain
    choice field's first choice (« à traiter », « les plus anciennes d'abord »), else empty (a
    multiple choice: nothing chosen). A model choice field's empty label stands for "" (its
    choices are not read: no query)."""
    initial = field.form.get_initial_for_field(field.field, field.name)
    if initial not in (None, ""):
        return str(initial)
    plain_choice = not isinstance(field.field, (forms.ModelChoiceField, forms.MultipleChoiceField))
    if isinstance(field.field, forms.ChoiceField) and plain_choice:
        # A ChoiceField's choices are normalised to a list of (value, label) pairs.
        choices = cast(list, field.field.choices)
        if choices:
            return str(choices[0][0])
    return ""


@register.filter
def active_filters(form, leave_out: str = "") -> int:
    """How many fields of a bound filter form were sent with a value other than their default
    (a value the form then refuses counts too: it was asked for); ``leave_out`` names the fields
    shown outside the fold ("q"). Reads the submitted data only: no validation, no query."""
    if not getattr(form, "is_bound", False):
        return 0
    skipped = {name.strip() for name in leave_out.split(",") if name.strip()}
    count = 0
    for field in form:
        if field.name in skipped or field.is_hidden:
            continue
        data = field.data
        values = [str(value).strip() for value in (data if isinstance(data, (list, tuple)) else [data])
                  if value is not None and str(value).strip()]
        if values and values != [_default_value(field)]:
            count += 1
    return count
