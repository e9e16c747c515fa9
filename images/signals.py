from django.dispatch import Signal

# Sent after an Image is saved and its renditions exist (image=<Image>): pages that show it
# re-render their stored HTML.
image_changed = Signal()
