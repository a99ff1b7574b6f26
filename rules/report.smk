# The numbers (summarize), then the page that shows them with every experiment's media.


rule summarize:
    input:
        **layout.named(RESULTS),
        **layout.named({e.name: {"summary": layout.model_summary(e.name), "timings": layout.model_timings(e.name),
                                 **({"sweep": layout.model_sweep_summary(e.name), "sweep_timing": layout.model_sweep_timing(e.name)}
                                    if e.sweep.enabled else {})}
                        for e in CONFIG.model_experiments}),
    output:
        summary=layout.SUMMARY,
    params:
        config=CONFIG.data,
    log:
        "logs/summarize.log",
    threads: 1
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/summarize.py"


rule build_report:
    input:
        summary=layout.SUMMARY,
        templates=TEMPLATE_FILES,
        **({"slides": layout.SLIDES} if CONFIG.slides.enabled else {}),
        **report_inputs(),
    output:
        html=layout.REPORT,
        **layout.named({"experiments": {e.name: {"explorer": layout.explorer(e.name)} for e in SWEPT}}),
        **({"single": layout.SINGLE_FILE_REPORT} if CONFIG.report_single_file else {}),
    params:
        config=CONFIG.data,
    log:
        "logs/build_report.log",
    threads: 1
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/build_report.py"
