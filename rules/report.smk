# The numbers (summarize), then the page that shows them with every experiment's media.


rule summarize:
    input:
        **layout.named(layout.summary_inputs(CONFIG)),
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
        **layout.named(layout.report_inputs(CONFIG, TEMPLATE_FILES)),
    output:
        **layout.named(layout.report_outputs(CONFIG)),
    params:
        config=CONFIG.data,
    log:
        "logs/build_report.log",
    threads: 1
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/build_report.py"
