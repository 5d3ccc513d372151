"""The panel's one stylesheet: theme colours, a layout that wraps from 600 px up, compact tables.

Colours come from :mod:`jama_magic.theme` (JupyterLab's theme variables with
light fallbacks, shared with every other HTML view). The panel
puts this ``<style>`` in a hidden HTML widget, so it also styles the panel
after the kernel is gone (see the ``jupyter-widgets-disconnected`` rules).
"""

from __future__ import annotations

from .. import theme

__all__ = ["PANEL_CSS"]

PANEL_CSS = f"""<style>
.jama-panel {{ box-sizing: border-box; min-width: 0; max-width: 980px; }}
.jama-panel * {{ box-sizing: border-box; }}
.jama-panel .jama-ok {{ color: {theme.OK}; }}
.jama-panel .jama-error {{ color: {theme.ERROR}; }}
.jama-panel .jama-warn {{ color: {theme.WARN}; }}
.jama-panel .jama-note {{ color: {theme.NOTE}; font-style: italic; }}
.jama-panel .jama-status {{ font-family: var(--jp-code-font-family, monospace); }}
.jama-panel .jama-status-line, .jama-panel .jama-error-box, .jama-panel .jama-body-error {{
  line-height: 1.5; overflow-wrap: anywhere; }}
.jama-panel .widget-html-content {{ line-height: 1.5; }}
/* rows wrap instead of overflowing; inputs may shrink below their default 300 px */
.jama-panel .jama-wrap {{ flex-wrap: wrap; align-items: center; min-width: 0; }}
.jama-panel .widget-text, .jama-panel .widget-combobox, .jama-panel .widget-dropdown {{
  min-width: 0; }}
.jama-panel .widget-text input, .jama-panel .widget-combobox input {{ min-width: 0; }}
.jama-panel .jama-editors {{ align-items: flex-start; }}
.jama-panel .jama-editor {{ flex: 1 1 280px; min-width: 0; }}
.jama-panel .jama-pair {{ flex-wrap: nowrap; min-width: 0; }}
.jama-panel .jama-remove {{ padding: 0; min-width: 32px; text-overflow: clip; }}
.jama-panel .jama-remove i {{ margin: 0; }}
.jama-panel .jama-body textarea {{ resize: vertical; overflow-x: hidden; }}
.jama-panel .jama-progress .widget-label {{ width: auto; overflow: visible; }}
.jama-panel .jama-tabs, .jama-panel .jama-tabs .widget-html {{ min-width: 0; max-width: 100%; }}
.jama-panel .jama-tabs .widget-html-content {{ min-width: 0; max-width: 100%; }}
/* keyboard focus must be visible on every control */
.jama-panel .jupyter-button:focus-visible:enabled, .jama-panel input:focus-visible,
.jama-panel select:focus-visible, .jama-panel textarea:focus-visible {{
  outline: 2px solid {theme.FOCUS}; outline-offset: 2px; }}
/* result tables: one line per cell (the full text is in the title), sticky header */
.jama-panel .jama-scroll {{ max-height: 420px; max-width: 100%; overflow: auto; }}
.jama-panel .jama-table, .jama-panel .jama-headers {{
  border-collapse: separate; border-spacing: 0; font-size: 12px; line-height: 1.5; }}
.jama-panel .jama-table th, .jama-panel .jama-table td, .jama-panel .jama-headers th,
.jama-panel .jama-headers td {{
  padding: 2px 8px; max-width: 260px; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; text-align: left; vertical-align: top; color: {theme.TEXT};
  border-bottom: 1px solid {theme.BORDER}; }}
.jama-panel .jama-table thead th {{
  position: sticky; top: 0; z-index: 1; background: {theme.HEAD}; }}
.jama-panel .jama-table td.jama-num {{ text-align: right; }}
.jama-panel .jama-table tbody tr:hover td {{ background: {theme.HEAD}; }}
.jama-panel .jama-body {{ font-size: 12px; line-height: 1.4; margin: 0; color: {theme.TEXT}; }}
.jama-panel .jama-pager {{ gap: 4px; }}
/* after a kernel restart the widgets are dead: say so instead of showing broken links */
.jama-panel.jupyter-widgets-disconnected::before {{ display: none; }}
.jama-panel.jupyter-widgets-disconnected .jupyter-widgets-disconnected::before {{
  display: none; }}
.jama-panel.jupyter-widgets-disconnected > * {{ opacity: 0.45; pointer-events: none; }}
.jama-panel.jupyter-widgets-disconnected::after {{
  order: -1; content: "This panel is disconnected (the kernel restarted or stopped): run the "
  "cell again, e.g. jm.panel() or %jama panel, to get a working one.";
  color: {theme.ERROR}; background: {theme.BACK}; padding: 4px 0; font-weight: bold; }}
</style>"""
