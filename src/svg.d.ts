// SVG files are imported as strings (the JupyterLab builder's raw loader; jest's too).
declare module '*.svg' {
  const value: string;
  export default value;
}
