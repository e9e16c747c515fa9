"""What a page shows besides its body: FAQs and references."""

from django.db import models

from pages.rendering import render_markdown


class PagePart(models.Model):
    """A row shown on a page (an FAQ, a reference). Changing it changes the page, so it is
    saved with the page by pages.services.save_page (one revision, one cache clear)."""

    class Meta:
        abstract = True


class FAQ(PagePart):
    page = models.ForeignKey("pages.Page", on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(max_length=300)
    answer = models.TextField(help_text="Markdown.")
    answer_html = models.TextField(editable=False, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "FAQ"
        verbose_name_plural = "FAQs"

    def __str__(self):
        return self.question

    def save(self, *args, **kwargs):
        self.answer_html = render_markdown(self.answer)
        super().save(*args, **kwargs)


class Reference(PagePart):
    page = models.ForeignKey("pages.Page", on_delete=models.CASCADE, related_name="references")
    citation = models.CharField(
        max_length=500, help_text="Authors, title, publication and year, as readers see it."
    )
    url = models.URLField(max_length=500, blank=True, help_text="Optional link to the source.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.citation
