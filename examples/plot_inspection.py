"""
==============================================
What a digits CNN looks at: Grad-CAM, filters
==============================================

:mod:`skdeepmine.inspection` explains a fitted network with public
functions and displays, as :mod:`sklearn.inspection` does for other models.
Here a small :class:`~skdeepmine.CNNClassifier` learns scikit-learn's 8x8
digits; Grad-CAM and integrated gradients show which pixels decided each
prediction, and the first convolution layer's filters are drawn as a grid.
"""

# %%
# A small CNN on the digits
# -------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skdeepmine import CNNClassifier

digits = load_digits()
X = digits.images.astype(np.float32) / 16
X_train, X_test, y_train, y_test = train_test_split(
    X, digits.target, test_size=0.25, stratify=digits.target, random_state=0
)
clf = CNNClassifier(filters=(16, 32), dense_units=(64,), epochs=15, random_state=0)
clf.fit(X_train, y_train)
print(f"test accuracy: {clf.score(X_test, y_test):.3f}")

# %%
# The layers have fixed names, the same in every session, so any of them
# can be read by name.
print([layer.name for layer in clf.model_.layers])

# %%
# Grad-CAM over the test images
# -----------------------------
# Grad-CAM weighs the last convolution block's feature maps by the gradient
# of the predicted class's probability; the map is upsampled to 8x8 and drawn
# over the image.
from skdeepmine.inspection import AttributionDisplay

display = AttributionDisplay.from_estimator(clf, X_test[:8], method="grad_cam")
display.figure_.suptitle("Grad-CAM, predicted class")
plt.show()

# %%
# Integrated gradients
# --------------------
# Integrated gradients attribute the probability of the predicted class to
# single pixels, from a black image as the baseline; for each image they sum
# to the probability minus the probability of the black image, up to the
# error of the 32-step path integral.
from skdeepmine.inspection import attributions

values = attributions(clf, X_test[:8], method="integrated_gradients")
predicted = clf.predict_proba(X_test[:8]).max(axis=1)
black = clf.predict_proba(np.zeros((1, 8, 8), dtype=np.float32))[0, clf.predict(X_test[:8])]
print("sum of attributions:", np.round(values.sum(axis=(1, 2)), 3))
print("p(image) - p(black):", np.round(predicted - black, 3))
AttributionDisplay(values, X_test[:8], kind="image", method="IG").plot()
plt.show()

# %%
# The filters of the first convolution layer
# ------------------------------------------
from skdeepmine.inspection import FilterDisplay

FilterDisplay.from_estimator(clf, layer="conv_0").figure_.suptitle("conv_0")
plt.show()

# %%
# The deep features, coloured by class
# ------------------------------------
# The ``embedding`` layer (the last hidden layer) projected on its two
# principal axes.
from skdeepmine.inspection import DeepFeatureDisplay

DeepFeatureDisplay.from_estimator(clf, X_test, y_test)
plt.show()
