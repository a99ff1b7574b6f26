"""The model wing: data sets, networks, training (numpy and Keras), the loss plane, runs, sweeps and frames."""
