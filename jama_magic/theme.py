"""The colours of every HTML view (the response summary, the panel, traces, diffs).

Each colour is a JupyterLab theme variable with a light-theme fallback for other
front ends (classic Notebook, VS Code, nbviewer exports), so a view follows the
light and the dark theme alike. Status colours are mixed with the theme's text
colour so that status and error text keep a 4.5:1 contrast on both backgrounds;
highlight backgrounds are a little of a status colour over the page background,
under the theme's text colour. Nothing else in jama_magic writes a colour.
"""

from __future__ import annotations

__all__ = [
    "BACK",
    "BORDER",
    "DELETED",
    "ERROR",
    "FOCUS",
    "HEAD",
    "INSERTED",
    "MONO",
    "NOTE",
    "OK",
    "TEXT",
    "TRACK",
    "WARN",
]

TEXT = "var(--jp-content-font-color1, rgba(0, 0, 0, 0.87))"
OK = f"color-mix(in srgb, var(--jp-success-color1, #388e3c) 60%, {TEXT})"
ERROR = f"color-mix(in srgb, var(--jp-error-color1, #d32f2f) 60%, {TEXT})"
WARN = f"color-mix(in srgb, var(--jp-warn-color1, #f57c00) 55%, {TEXT})"
NOTE = f"color-mix(in srgb, var(--jp-content-font-color2, rgba(0, 0, 0, 0.54)) 50%, {TEXT})"
FOCUS = "var(--jp-brand-color1, #1976d2)"
BORDER = "var(--jp-border-color2, #e0e0e0)"
HEAD = "var(--jp-layout-color2, #eeeeee)"
BACK = "var(--jp-layout-color0, #ffffff)"
TRACK = "var(--jp-layout-color3, #bdbdbd)"  # the empty part of a bar
INSERTED = f"color-mix(in srgb, var(--jp-success-color1, #388e3c) 25%, {BACK})"
DELETED = f"color-mix(in srgb, var(--jp-error-color1, #d32f2f) 25%, {BACK})"
MONO = "var(--jp-code-font-family, monospace)"
