//! Two small SVG charts drawn from measured numbers: grouped horizontal bars and a log-log line chart.

use std::fmt::Write as _;

const COLORS: &[&str] = &["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2"];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Horizontal bars: one row per name, one bar per series (e.g. `pages`, `articles`) in each row.
pub fn bars(title: &str, names: &[&str], series: &[(&str, Vec<Option<f64>>)]) -> String {
    let label_w = 210.0;
    let plot_w = 460.0;
    let bar_h = 14.0;
    let gap = 10.0;
    let row_h = bar_h * series.len() as f64 + gap;
    let top = 50.0;
    let height = top + row_h * names.len() as f64 + 40.0;
    let width = label_w + plot_w + 80.0;
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().flatten())
        .fold(0.0f64, |a, &b| a.max(b))
        .max(1.0);
    let step = nice_step(max / 5.0);
    let axis_max = (max / step).ceil() * step;
    let x = |v: f64| label_w + v / axis_max * plot_w;

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="20" font-size="14" font-weight="bold">{}</text>"#,
        10,
        esc(title)
    );
    // Legend.
    for (k, (name, _)) in series.iter().enumerate() {
        let lx = label_w + k as f64 * 110.0;
        let _ = writeln!(
            s,
            r#"<rect x="{lx}" y="30" width="12" height="12" fill="{}"/>"#,
            COLORS[k % COLORS.len()]
        );
        let _ = writeln!(s, r#"<text x="{}" y="40">{}</text>"#, lx + 16.0, esc(name));
    }
    // Grid.
    let bottom = top + row_h * names.len() as f64;
    let mut v = 0.0;
    while v <= axis_max + 1e-9 {
        let gx = x(v);
        let _ = writeln!(
            s,
            r##"<line x1="{gx:.1}" y1="{top}" x2="{gx:.1}" y2="{bottom}" stroke="#ddd"/>"##
        );
        let _ = writeln!(
            s,
            r#"<text x="{gx:.1}" y="{}" text-anchor="middle">{}</text>"#,
            bottom + 15.0,
            fmt_num(v)
        );
        v += step;
    }
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">MB/s</text>"#,
        label_w + plot_w / 2.0,
        bottom + 32.0
    );
    for (r, name) in names.iter().enumerate() {
        let y0 = top + r as f64 * row_h + gap / 2.0;
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{:.1}" text-anchor="end" dominant-baseline="middle">{}</text>"#,
            label_w - 6.0,
            y0 + bar_h * series.len() as f64 / 2.0,
            esc(name)
        );
        for (k, (_, values)) in series.iter().enumerate() {
            let y = y0 + k as f64 * bar_h;
            match values.get(r).copied().flatten() {
                Some(v) => {
                    let _ = writeln!(
                        s,
                        r#"<rect x="{label_w}" y="{y:.1}" width="{:.1}" height="{}" fill="{}"/>"#,
                        x(v) - label_w,
                        bar_h - 2.0,
                        COLORS[k % COLORS.len()]
                    );
                    let _ = writeln!(
                        s,
                        r#"<text x="{:.1}" y="{:.1}" font-size="10">{v:.1}</text>"#,
                        x(v) + 3.0,
                        y + bar_h - 4.0
                    );
                }
                None => {
                    let _ = writeln!(
                        s,
                        r#"<text x="{}" y="{:.1}" font-size="10">failed</text>"#,
                        label_w + 3.0,
                        y + bar_h - 4.0
                    );
                }
            }
        }
    }
    s.push_str("</svg>\n");
    s
}

/// A log-log line chart of (x, y) points per series.
pub fn loglog(title: &str, x_label: &str, y_label: &str, series: &[(&str, Vec<(f64, f64)>)]) -> String {
    let (left, top, plot_w, plot_h) = (70.0, 50.0, 520.0, 320.0);
    let width = left + plot_w + 200.0;
    let height = top + plot_h + 50.0;
    let pts = series.iter().flat_map(|(_, p)| p.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in pts {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let (lx0, lx1) = (x0.log10().floor(), x1.log10().ceil());
    let (ly0, ly1) = (y0.log10().floor(), y1.log10().ceil());
    let px = |x: f64| left + (x.log10() - lx0) / (lx1 - lx0).max(1.0) * plot_w;
    let py = |y: f64| top + plot_h - (y.log10() - ly0) / (ly1 - ly0).max(1.0) * plot_h;

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="10" y="20" font-size="14" font-weight="bold">{}</text>"#,
        esc(title)
    );
    let mut e = lx0;
    while e <= lx1 {
        let gx = px(10f64.powf(e));
        let _ = writeln!(
            s,
            r##"<line x1="{gx:.1}" y1="{top}" x2="{gx:.1}" y2="{}" stroke="#ddd"/>"##,
            top + plot_h
        );
        let _ = writeln!(
            s,
            r#"<text x="{gx:.1}" y="{}" text-anchor="middle">{}</text>"#,
            top + plot_h + 15.0,
            bytes_label(10f64.powf(e))
        );
        e += 1.0;
    }
    let mut e = ly0;
    while e <= ly1 {
        let gy = py(10f64.powf(e));
        let _ = writeln!(
            s,
            r##"<line x1="{left}" y1="{gy:.1}" x2="{}" y2="{gy:.1}" stroke="#ddd"/>"##,
            left + plot_w
        );
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{gy:.1}" text-anchor="end" dominant-baseline="middle">{}</text>"#,
            left - 5.0,
            secs_label(10f64.powf(e))
        );
        e += 1.0;
    }
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
        left + plot_w / 2.0,
        top + plot_h + 35.0,
        esc(x_label)
    );
    let _ = writeln!(
        s,
        r#"<text x="15" y="{}" text-anchor="middle" transform="rotate(-90 15 {})">{}</text>"#,
        top + plot_h / 2.0,
        top + plot_h / 2.0,
        esc(&format!("{y_label} (log scale)"))
    );
    for (k, (name, points)) in series.iter().enumerate() {
        let color = COLORS[k % COLORS.len()];
        let path: Vec<String> = points
            .iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
            .collect();
        let _ = writeln!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="2"/>"#,
            path.join(" ")
        );
        for &(x, y) in points {
            let _ = writeln!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{color}"/>"#,
                px(x),
                py(y)
            );
        }
        let ly = top + 10.0 + k as f64 * 18.0;
        let lx = left + plot_w + 15.0;
        let _ = writeln!(
            s,
            r#"<rect x="{lx}" y="{}" width="12" height="12" fill="{color}"/>"#,
            ly - 10.0
        );
        let _ = writeln!(s, r#"<text x="{}" y="{ly}">{}</text>"#, lx + 16.0, esc(name));
    }
    s.push_str("</svg>\n");
    s
}

fn nice_step(raw: f64) -> f64 {
    let p = 10f64.powf(raw.log10().floor());
    let m = raw / p;
    p * if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    }
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

fn bytes_label(b: f64) -> String {
    match b {
        b if b >= 1e9 => format!("{:.0} GB", b / 1e9),
        b if b >= 1e6 => format!("{:.0} MB", b / 1e6),
        b if b >= 1e3 => format!("{:.0} KB", b / 1e3),
        b => format!("{b:.0} B"),
    }
}

fn secs_label(s: f64) -> String {
    match s {
        s if s >= 1.0 => format!("{s:.0} s"),
        s if s >= 1e-3 => format!("{:.0} ms", s * 1e3),
        s if s >= 1e-6 => format!("{:.0} µs", s * 1e6),
        s => format!("{:.0} ns", s * 1e9),
    }
}
