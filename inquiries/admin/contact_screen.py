"""Edit contact details: a small form of its own, opened from the work screen (where the
details are shown read-only), validated by the public form's rules."""

from inquiries.admin.forms import InquiryDetailsForm
from inquiries.admin.screens import (
    back_to_work_screen,
    changes_inquiry,
    inquiry_form_screen,
    inquiry_or_404,
    require,
)
from inquiries.changes import change_inquiry


@changes_inquiry
def contact_details_view(request, pk):
    require(request, "view", "change")
    inquiry = inquiry_or_404(pk)
    form = InquiryDetailsForm(request.POST or None, instance=inquiry)
    if request.method == "POST" and form.is_valid():
        verb, args, kwargs = form.change()
        result = change_inquiry(request, inquiry, verb, *args, detail=_changed(form), **kwargs)
        return back_to_work_screen(request, inquiry, done=form.done(result))
    title = f"Contact details of {inquiry.full_name} ({inquiry.reference})"
    template = "admin/inquiries/inquiry/contact_details.html"
    shown = "contact details form"
    return inquiry_form_screen(request, inquiry, form, template, title, shown=shown)


def _changed(form):
    return "changed " + ", ".join(form.changed_data)
