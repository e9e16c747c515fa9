"""Form fields that Django copies for each form object quickly.

Django deep-copies every field of a form for each form object it builds
(BaseForm.__init__), through `copy`'s generic machinery: the largest part of a valid
POST's form time. These fields copy the same parts as Django's own __deepcopy__
methods, directly.
"""

from django import forms


def _clone(obj):
    clone = object.__new__(type(obj))
    clone.__dict__.update(obj.__dict__)
    return clone


class QuickCopy:
    """Copies what Field.__deepcopy__ and Widget.__deepcopy__ do: the field, its widget
    and the widget's attrs, the error messages and the validators."""

    def __deepcopy__(self, memo):
        field = _clone(self)
        memo[id(self)] = field
        field.widget = _clone(self.widget)
        field.widget.attrs = self.widget.attrs.copy()
        field.error_messages = self.error_messages.copy()
        field.validators = self.validators[:]
        return field


class QuickCopyChoiceField(QuickCopy, forms.ChoiceField):
    def __deepcopy__(self, memo):
        field = super().__deepcopy__(memo)
        # As ChoiceField and ChoiceWidget copy them; the (value, label) pairs are fixed.
        field._choices = list(self._choices)
        field.widget.choices = list(self.widget.choices)
        return field


class QuickCopyCharField(QuickCopy, forms.CharField):
    pass


class QuickCopyBooleanField(QuickCopy, forms.BooleanField):
    pass


class QuickCopyModelChoiceField(QuickCopy, forms.ModelChoiceField):
    def __deepcopy__(self, memo):
        field = super().__deepcopy__(memo)
        # A queryset of its own, as ModelChoiceField's copy gives it (a shared one could
        # keep rows it once loaded), and choices that iterate it.
        field._queryset = None if self._queryset is None else self._queryset.all()
        field.widget.choices = field.choices
        return field
