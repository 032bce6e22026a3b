"""allauth's second-factor forms, with a code field phones open on the digit keypad."""

from __future__ import annotations

from allauth.mfa.base import forms as base_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms

# TOTP and recovery codes are digits only; the browser may fill in the one received.
CODE_ATTRS = {"inputmode": "numeric", "autocomplete": "one-time-code", "autocapitalize": "off",
              "spellcheck": "false"}


class _NumericCode:
    fields: dict[str, forms.Field]  # set by the form this mixes into

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(CODE_ATTRS)


class AuthenticateForm(_NumericCode, base_forms.AuthenticateForm):
    pass


class ReauthenticateForm(_NumericCode, base_forms.ReauthenticateForm):
    pass


class ActivateTOTPForm(_NumericCode, totp_forms.ActivateTOTPForm):
    pass
