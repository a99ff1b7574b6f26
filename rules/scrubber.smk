# The report's step scrubber: a bare contour image per experiment whose pixels map
# exactly onto parameters (the extent goes to contour.json), and the description page
# of `snakemake --report`. The media map build_report reads (REPORT_MEDIA) is in common.smk.

CONTOUR_SIZE = {"width": 960, "height": 600}


report: "../report/workflow.rst"


rule render_contour:
    input:
        dataset="results/{experiment}/dataset.npz",
    output:
        image="reports/{experiment}/contour.png",
        extent="reports/{experiment}/contour.json",
    params:
        experiment=experiment_entry,
        size=CONTOUR_SIZE,
    log:
        "logs/render_contour/{experiment}.log",
    threads: 1
    conda:
        "../envs/momentumlab.yaml"
    script:
        "../scripts/render_contour.py"
