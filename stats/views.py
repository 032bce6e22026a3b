"""Thin views: check the role, read the tables, render them (page or CSV)."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comcep.permissions import manager_required
from comcep.roles import Role
from stats import charts, permissions, services, tables
from stats.forms import CostShareForm, YearForm
from stats.models import CostShareReport

DASHBOARD_TABLES = tables.DASHBOARD_TABLES


def _shown(table: tables.Table, csv_url: str) -> dict:
    bars = table.chart_bars()
    chart = charts.bar_chart(str(table.title), bars) if bars else None
    return {"table": table, "chart": chart, "csv_url": csv_url}


def _csv(table: tables.Table, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # so that a spreadsheet opens the accents right
    writer = csv.writer(response, delimiter=";")
    writer.writerow([str(header) for header in table.headers])
    writer.writerows(table.display_rows())
    return response


@manager_required(Role.PLATFORM_MANAGER)
def dashboard(request):
    shown = [_shown(build(), reverse("stats:dashboard_csv", args=[slug]))
             for slug, build in DASHBOARD_TABLES.items()]
    return render(request, "stats/dashboard.html", {"sections": shown})


@manager_required(Role.PLATFORM_MANAGER)
def dashboard_csv(request, slug: str):
    build = DASHBOARD_TABLES.get(slug)
    if build is None:
        raise Http404
    return _csv(build(), f"comcep-{slug}")


@manager_required(Role.OPERATOR_MANAGER)
def operator_home(request):
    """The networks the manager may read; straight to it when there is one."""
    operators = list(permissions.operators_of(request.user))
    if len(operators) == 1:
        return redirect("stats:operator", slug=operators[0].slug)
    return render(request, "stats/operator_home.html", {"operators": operators})


def _operator_tables(request, slug: str):
    operator = permissions.get_operator(request.user, slug)
    form = YearForm(request.GET or None)
    year = form.chosen_year()
    return operator, form, year, {
        "admissions": tables.operator_admitted_table(operator, year),
        "activite": tables.operator_activity_table(operator),
    }


@manager_required(Role.OPERATOR_MANAGER)
def operator(request, slug: str):
    operator, form, year, built = _operator_tables(request, slug)
    shown = [_shown(table, reverse("stats:operator_csv", args=[slug, name]) + f"?year={year}")
             for name, table in built.items()]
    return render(request, "stats/operator.html", {"operator": operator, "form": form,
                                                   "sections": shown, "year": year})


@manager_required(Role.OPERATOR_MANAGER)
def operator_csv(request, slug: str, table: str):
    operator, _form, year, built = _operator_tables(request, slug)
    if table not in built:
        raise Http404
    return _csv(built[table], f"comcep-{operator.slug}-{table}-{year}")


@manager_required(Role.PLATFORM_MANAGER)
def cost_share(request):
    form = CostShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.draw_up_cost_share(year=form.cleaned_data["year"],
                                                 as_of=form.cleaned_data["as_of"],
                                                 actor=request.user)
        except services.ReportRefused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Répartition %(year)s établie : relisez-la, puis "
                                        "signez-la.") % {"year": report.year})
            return redirect("stats:cost_share")
    return render(request, "stats/cost_share.html", {
        "form": form, "reports": CostShareReport.objects.select_related("signed_by")[:10]})


@require_POST
@manager_required(Role.PLATFORM_MANAGER)
def cost_share_sign(request, pk: int):
    report = get_object_or_404(CostShareReport, pk=pk)
    try:
        services.sign_cost_share(report, actor=request.user)
    except services.ReportRefused as error:
        messages.warning(request, error.message)
    else:
        messages.success(request, _("Répartition %(year)s signée.") % {"year": report.year})
    return redirect("stats:cost_share")
