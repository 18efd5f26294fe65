//! The last line of defence: if the widget ever panics, say so on the page (every
//! widget root gets a `role="alert"` notice) and in the console, instead of freezing
//! silently. Failures the code expects never get here: they are `ClientError`s.
//! The release bundles abort at once on a panic (`-Cpanic=immediate-abort`, issue #17) and
//! run no hook: there the page's JS shows the same notice when the wasm traps
//! (embed/trap-notice.js).

use std::sync::Once;

use wasm_bindgen::JsCast;

const NOTICE: &str = "The dataset monitor stopped after an internal error. Reload the page to start it again; the browser console has the details.";

/// Installs the panic hook once per page.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            console_error_panic_hook::hook(info);
            show_notice();
        }));
    });
}

/// Puts the notice on every widget root in the page (public so tests can check it).
pub fn show_notice() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let mut roots = Vec::new();
    collect_roots(&document.clone().into(), &mut roots);
    // Widgets inside custom elements live in open shadow roots.
    if let Ok(all) = document.query_selector_all("*") {
        for i in 0..all.length() {
            let shadow = all
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                .and_then(|e| e.shadow_root());
            if let Some(shadow) = shadow {
                collect_roots(&shadow.into(), &mut roots);
            }
        }
    }
    for root in roots {
        if let Ok(p) = document.create_element("p") {
            let _ = p.set_attribute("role", "alert");
            let _ = p.set_attribute("class", "pdm-error pdm-panic");
            p.set_text_content(Some(NOTICE));
            let _ = root.prepend_with_node_1(&p);
        }
    }
}

fn collect_roots(scope: &web_sys::Node, out: &mut Vec<web_sys::Element>) {
    let found = if let Some(d) = scope.dyn_ref::<web_sys::Document>() {
        d.query_selector_all(".pdm").ok()
    } else if let Some(s) = scope.dyn_ref::<web_sys::DocumentFragment>() {
        s.query_selector_all(".pdm").ok()
    } else {
        None
    };
    if let Some(list) = found {
        for i in 0..list.length() {
            if let Some(e) = list
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                out.push(e);
            }
        }
    }
}
